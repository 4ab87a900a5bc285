# Shared by the R peers of bench/survey.sh (survey_peer.R, report_peer.R):
# the questions and dimensions of examples/after-sales/manyi.yaml (survey
# csat) and the reading of the rows survey.sh exports with the sqlite3 shell
# (data.table::fread when installed, else read.csv; an empty field is not
# answered).
suppressPackageStartupMessages(library(survey))
now <- function() proc.time()[["elapsed"]]
have_dt <- requireNamespace("data.table", quietly = TRUE)
qs <- c("q_overall", "q_quality", "q_attitude", "q_speed", "q_repair", "q_price", "q_explain",
        "q_wait", "q_nps")
# dimension: weight, items
dims <- list(product_quality = list(0.25, "q_quality"), service_attitude = list(0.20, "q_attitude"),
             response_speed = list(0.20, c("q_speed", "q_wait")), after_sales = list(0.15, "q_repair"),
             price = list(0.10, "q_price"), communication = list(0.10, "q_explain"))
# The rows of file: the columns named in text as text, numeric the ones in
# numeric, weight and the questions.
read_rows <- function(file, text, numeric = character(0)) {
  num <- c(numeric, "weight", qs)
  if (have_dt)
    return(as.data.frame(data.table::fread(file, colClasses = list(character = text, numeric = num),
                                           na.strings = c("", "NA"), showProgress = FALSE)))
  read.csv(file, colClasses = c(setNames(rep("character", length(text)), text),
                                setNames(rep("numeric", length(num)), num)),
           na.strings = c("", "NA"))
}
