---@meta
-- manyi.d.lua: Lua language-server (LuaLS / sumneko) definitions of what a
-- manyi policy sees: the hooks, the read-only views passed to them, the
-- params of the default policies and the decisions the engine accepts.
-- Editors use it for completion and checks; the engine never loads it.
--
-- Use: add this folder to "workspace.library" in .luarc.json, e.g.
--   { "runtime.version": "Lua 5.4", "workspace.library": ["schemas"] }
-- and annotate a hook:
--   ---@param customer manyi.Customer
--   ---@param params manyi.TiersParams
--   ---@return manyi.TierCode, string
--   local function tier(customer, params) ... end
--
-- Views and params are read-only: writing a field raises. Reading a field a
-- view does not have raises too ("customer view has no field 'x'"); fields
-- marked `?` are present but may be nil. Field lists: policies/README.md.

-- ---------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------

---A customer, as the tier, points and care hooks see it (money in currency units).
---@class manyi.Customer
---@field external_id string the customer's id
---@field kind "person"|"company"|"government"
---@field region string?
---@field industry string?
---@field birthday string? YYYY-MM-DD
---@field tenure_days integer days since the customer was created
---@field tier string? the current tier code
---@field spend_12m number spend in the last 12 months
---@field orders_12m integer orders in the last 12 months
---@field orders_total integer all orders ever
---@field refunded_orders integer
---@field cancelled_orders integer
---@field last_order_days integer? days since the last order
---@field open_complaints integer
---@field tickets_12m integer service tickets in the last 12 months
---@field avg_satisfaction number? 1..5
---@field nps_answer integer? the last 0..10 answer
---@field points integer loyalty points balance

---The customer view of the care hook: the customer view and these fields.
---@class manyi.CareCustomer: manyi.Customer
---@field special_needs string? e.g. "hearing", "mobility"; nil = none
---@field consent_email boolean the customer agreed to be contacted by email
---@field consent_sms boolean
---@field consent_phone boolean

---A service ticket, as the route and escalate hooks see it.
---@class manyi.Ticket
---@field external_id string
---@field kind string a code of ticket_kinds: in manyi.yaml (built in: inquiry, complaint, after_sales, business_request)
---@field category string a code of categories: (built in: general, technical, product_quality)
---@field severity "low"|"medium"|"high"|"critical"
---@field channel string a code of channels: (built in: phone, email, social, chat, visit, web)
---@field status "new"|"open"|"pending"|"resolved"|"closed"
---@field priority integer? 1 (most urgent) .. 4; nil before routing
---@field department string? department code; nil before routing
---@field customer_id string the customer's external id
---@field customer_tier string? the customer's tier
---@field escalation_level integer 0 = not escalated yet, else 1..3
---@field agents manyi.Agent[]? route only: the active staff with a department (read with pairs)
---@field last_agent string? route only: who last served the customer

---An agent the route hook may pick.
---@class manyi.Agent
---@field code string the staff member's external id
---@field name string
---@field department string department code
---@field skills string skill codes joined by ';'
---@field open_load integer tickets new, open or pending assigned to them
---@field on_duty boolean their department's calendar is open now

---The SLA clock of a ticket that is running (business time of its rule's calendar, e.g. 24x7, else its department's).
---@class manyi.Clock
---@field target "first_response"|"resolution" which deadline is running
---@field target_seconds integer business seconds the SLA allows
---@field elapsed_seconds integer business seconds used so far
---@field remaining_seconds integer may be negative (breached)
---@field used number elapsed / target: 0.5 = half used, > 1 = breached
---@field breached boolean

---A department, as the evaluate hook sees it.
---@class manyi.Department
---@field code string
---@field name string

---A department's figures for one evaluation period (shares are 0..1).
---@class manyi.Figures
---@field period string "2026-Q1", "2026-03" or "2026"
---@field responses integer survey answers in the period
---@field satisfied_share number? share of satisfied (4-5) answers; nil without answers
---@field satisfied_ci_lower number? its Wilson 95% interval (judge a target on the lower bound)
---@field satisfied_ci_upper number?
---@field first_response_met number? share of tickets answered within the SLA
---@field resolution_rate number? share of tickets resolved
---@field tickets integer
---@field complaints integer
---@field complaint_rate number? complaints / tickets
---@field actions_planned integer improvement actions due in the period
---@field actions_done integer ... and done

---A staff member, as the evaluate_staff hook sees them.
---@class manyi.Staff
---@field code string the external id (S001)
---@field name string
---@field department string? nil when none

---A staff member's figures for one period (manyi eval staff; shares are 0..1).
---@class manyi.StaffFigures
---@field period string "2026-Q3"
---@field tickets integer tickets assigned to them opened in the period
---@field resolved integer of those, resolved or closed
---@field complaints_handled integer of those, complaints
---@field sla_tickets integer of those, with an SLA rule
---@field first_response_met number? share of decided first-response clocks met
---@field resolution_met number? share of decided resolution clocks met
---@field median_resolution_hours number? median business hours to resolution
---@field responses integer survey answers about their tickets
---@field satisfied_share number? share of satisfied answers (top two points)
---@field satisfied_ci_lower number? its Wilson 95% interval
---@field satisfied_ci_upper number?
---@field complaints integer complaints whose customer's previous ticket was theirs
---@field complaints_accountable integer closed complaints whose root cause names them responsible

---The day the care hook decides for.
---@class manyi.Date
---@field date string YYYY-MM-DD
---@field year integer
---@field month integer 1..12
---@field day integer 1..31
---@field weekday integer 1 = Monday .. 7 = Sunday
---@field day_of_year integer 1..366
---@field quarter integer 1..4
---@field day_of_quarter integer 1..92

---A loyalty event, as the points hook sees it.
---@class manyi.Event
---@field type "order"|"survey"|"feedback"|"referral"
---@field id string the event's external id
---@field amount number? order amount in currency units (orders only)
---@field currency string?
---@field occurred_at string YYYY-MM-DD
---@field status string
---@field survey string? survey code (answered surveys)

---An open answer or a complaint's subject, as the code hook sees it.
---@class manyi.Text
---@field text string the answer or the complaint's description (UTF-8)
---@field source "survey"|"complaint"
---@field question string? the question code (nil for complaints)

---A scored survey response, as the alert hook sees it.
---@class manyi.Response
---@field external_id string the response's id
---@field survey string the survey code
---@field submitted_at string YYYY-MM-DDTHH:MM:SSZ
---@field channel string? email, sms, phone, web
---@field answers table<string, number|string|nil> question code -> the answer (a number; text for open questions; nil when not answered); a code the survey does not have raises
---@field categories string the coded categories of its open answers joined by ';' ("" when none; `manyi survey code` codes them)
---@field coded boolean its open answers were coded (true when it has none)

---The customer of a response, as the alert hook sees them.
---@class manyi.AlertCustomer
---@field external_id string
---@field kind "person"|"company"|"government"
---@field region string?
---@field tier string?

---The ticket a response's invitation followed (nil when none), as the alert hook sees it.
---@class manyi.AlertTicket
---@field external_id string
---@field kind string
---@field category string
---@field department string? department code
---@field status "new"|"open"|"pending"|"resolved"|"closed"

-- ---------------------------------------------------------------------------
-- Decisions (checked by the engine before anything is stored)
-- ---------------------------------------------------------------------------

---A tier code of the configuration (A, B, C, P in the example).
---@alias manyi.TierCode string

---@class manyi.PointsDecision
---@field points integer within +-limits.points_max
---@field expires? "never"|"end_of_month"|"end_of_year"|string "after Nd" or YYYY-MM-DD; nil = never
---@field reason string 1..500 bytes

---@class manyi.RouteDecision
---@field department string a department code of the configuration
---@field priority integer 1..4 (1 = most urgent)
---@field reason string 1..500 bytes
---@field agent string? the code of one of ticket.agents of that department

---@class manyi.EscalateDecision
---@field level integer 1..3 (team lead, department head, satisfaction committee)
---@field notify string[] at most 10 roles, each 1..32 bytes
---@field reason string 1..500 bytes

---@class manyi.StaffDecision
---@field rating string 1..16 bytes; one of params.staff.ratings when given
---@field notes string[] at most 20 notes of 1..500 bytes

---@class manyi.EvaluateDecision
---@field score number finite, 0..100
---@field grade string 1..8 bytes
---@field passed boolean
---@field reasons string[] at most 20, each 1..500 bytes
---@field assessed? boolean default true; false: the target was not judged (too few answers), passed must be false

---@class manyi.AlertDecision
---@field department string a department code of the configuration
---@field kind string a ticket kind of the configuration (its SLA rules apply), e.g. "callback"
---@field priority integer 1..4 (1 = most urgent)
---@field reason string 1..500 bytes
---@field category? string a category of the configuration; default "general"
---@field severity? "low"|"medium"|"high"|"critical" default "medium"

---@alias manyi.Channel "email"|"sms"|"phone"|"visit"

---@class manyi.CareItem
---@field kind string 1..32 bytes, e.g. "birthday"
---@field channel manyi.Channel
---@field template string 1..128 bytes, the message or visit template
---@field service? boolean true: a service contact, sent without consent to the channel (else the customer's consent is needed)

-- ---------------------------------------------------------------------------
-- Params of the default policies (policies.<name>.params in manyi.yaml)
-- ---------------------------------------------------------------------------

---@class manyi.TiersParams
---@field a_min_spend number 12-month spend for A
---@field a_min_orders integer 12-month orders for A
---@field b_min_spend number
---@field b_min_orders integer
---@field max_bad_share number 0..1: refunded + cancelled share above this moves one tier down

---@class manyi.LoyaltyParams
---@field points_per_unit number points per currency unit of an order
---@field multipliers table<string, number> tier code -> factor
---@field no_tier_multiplier number
---@field survey_points integer
---@field feedback_points integer
---@field referral_points integer
---@field expires string "never", "after 365d", "end_of_month", "end_of_year" or YYYY-MM-DD

---@class manyi.RoutingParams
---@field departments table<string, string> category -> department code
---@field severity_priority table<string, integer> severity -> 1..4
---@field urgent_tiers string[] tiers whose tickets are one step more urgent
---@field complaints_sooner boolean complaints one step more urgent

---@class manyi.LadderStep
---@field level integer 1..3
---@field at number share of the SLA target used where the step starts
---@field notify string[] roles

---@class manyi.EscalationParams
---@field ladder manyi.LadderStep[] in rising order of `at`
---@field fast_tiers string[] tiers whose complaints climb faster
---@field fast_factor number 0 < f <= 1, applied to every `at`

---@class manyi.EvaluationWeights
---@field satisfaction number
---@field response number
---@field resolution number
---@field complaints number
---@field actions number

---@class manyi.EvaluationTargets
---@field satisfaction number share satisfied, e.g. 0.90
---@field response number share of first responses in time
---@field resolution number share resolved
---@field complaint_rate number largest share of complaints

---@class manyi.Grade
---@field min number
---@field grade string

---@class manyi.EvaluationParams
---@field weights manyi.EvaluationWeights
---@field targets manyi.EvaluationTargets
---@field min_responses integer answers needed to judge satisfaction
---@field grades manyi.Grade[] highest min first
---@field staff? manyi.StaffEvaluationParams agent scorecards (evaluate_staff)

---@class manyi.StaffEvaluationParams
---@field targets {first_response: number, resolution: number, satisfaction: number}
---@field min_tickets integer fewer tickets: not_rated
---@field min_responses integer fewer answers: satisfaction not judged
---@field max_complaints integer complaints allowed per period
---@field ratings string[] the ratings the engine accepts

---@class manyi.CodingCategory
---@field code string
---@field keywords string[] plain substrings
---@field patterns string[] Lua patterns

---@class manyi.CodingParams
---@field categories manyi.CodingCategory[]

---@class manyi.AlertPriority
---@field complaint integer
---@field detractor integer

---@class manyi.AlertParams
---@field overall table<string, string> survey code -> the code of its overall question
---@field detractor_max integer the highest overall answer that is a detractor
---@field complaint_categories string[] coding categories that count as a complaint
---@field department string where follow-ups of responses without a ticket go
---@field kind string the follow-up's ticket kind
---@field priority manyi.AlertPriority

---@class manyi.Holiday
---@field date string "MM-DD" every year or "YYYY-MM-DD" once
---@field template string

---@class manyi.SpecialNeedsCare
---@field day integer day of the month of the call
---@field channel manyi.Channel
---@field template string

---@class manyi.VisitCare
---@field tiers string[]
---@field day_of_quarter integer
---@field template string

---The customer view of the eligible hook: one row of the survey frame.
---@class manyi.FrameCustomer
---@field external_id string
---@field kind "person"|"company"|"government"
---@field region string?
---@field industry string?
---@field tier string?
---@field tenure_days integer days since the customer was created
---@field consent_email boolean
---@field consent_sms boolean
---@field consent_phone boolean
---@field has_email boolean an email address is on file
---@field has_phone boolean a phone number is on file
---@field channel "email"|"sms"|"phone"|nil the first consented channel with an address (email, sms, phone)
---@field last_invited_days integer? days since the last invitation to any survey (nil: never; the wave being drawn does not count)
---@field open_complaints integer complaints not resolved

---@class manyi.EligibleDecision
---@field eligible boolean
---@field reason? string eligible = false: a name of 1..64 bytes; exclusions are counted by it
---@field channel? "email"|"sms"|"phone" eligible = true: the channel to invite on (default: customer.channel)

---@class manyi.EligibilityParams
---@field quiet_days integer days between two invitations (`survey sample --quiet-days` replaces it)
---@field require_consent boolean
---@field exclude_open_complaints boolean
---@field exclude_regions string[]

---@class manyi.CareParams
---@field greeting_channels manyi.Channel[] tried in order; each needs the customer's consent
---@field birthday_template string
---@field holidays manyi.Holiday[]
---@field special_needs manyi.SpecialNeedsCare
---@field visit manyi.VisitCare

-- ---------------------------------------------------------------------------
-- Hooks: a policy file returns a table of some of these
-- ---------------------------------------------------------------------------

-- BEGIN generated by `manyi policy hooks --lua` from core/config/hooks.c
-- (tests/e2e/hooks.sh checks that this part equals it; edit the registry, not here)
---@class manyi.Hooks
---@field tier? fun(customer: manyi.Customer, params: table): manyi.TierCode, string
---@field points? fun(event: manyi.Event, customer: manyi.Customer, params: table): manyi.PointsDecision?
---@field route? fun(ticket: manyi.Ticket, params: table): manyi.RouteDecision
---@field escalate? fun(ticket: manyi.Ticket, clock: manyi.Clock, params: table): manyi.EscalateDecision?
---@field evaluate? fun(department: manyi.Department, figures: manyi.Figures, params: table): manyi.EvaluateDecision
---@field evaluate_staff? fun(staff: manyi.Staff, figures: manyi.StaffFigures, params: table): manyi.StaffDecision
---@field care? fun(customer: manyi.CareCustomer, date: manyi.Date, params: table): manyi.CareItem[]
---@field code? fun(text: manyi.Text, params: table): string[]
---@field eligible? fun(customer: manyi.FrameCustomer, params: table): boolean|manyi.EligibleDecision
---@field alert? fun(response: manyi.Response, customer: manyi.AlertCustomer, ticket: manyi.AlertTicket?, params: table): manyi.AlertDecision?

---tier: the customer's tier and the reason (policy `tiers`, manyi eval tiers).
---@param customer manyi.Customer
---@param params manyi.TiersParams
---@return manyi.TierCode, string
function tier(customer, params) end

---points: the points an order, answered survey, feedback or referral earns (nil: none) (policy `loyalty`, manyi eval points).
---@param event manyi.Event
---@param customer manyi.Customer
---@param params manyi.LoyaltyParams
---@return manyi.PointsDecision?
function points(event, customer, params) end

---route: the department, priority and agent of a new ticket (policy `routing`, manyi ticket open).
---@param ticket manyi.Ticket
---@param params manyi.RoutingParams
---@return manyi.RouteDecision
function route(ticket, params) end

---escalate: the escalation level of a ticket whose SLA clock runs (nil: none) (policy `escalation`, the sla-check job).
---@param ticket manyi.Ticket
---@param clock manyi.Clock
---@param params manyi.EscalationParams
---@return manyi.EscalateDecision?
function escalate(ticket, clock, params) end

---evaluate: a department's score, grade and verdict for a period (policy `evaluation`, manyi eval departments).
---@param department manyi.Department
---@param figures manyi.Figures
---@param params manyi.EvaluationParams
---@return manyi.EvaluateDecision
function evaluate(department, figures, params) end

---evaluate_staff: an agent's rating for a period (policy `evaluation`, manyi eval staff).
---@param staff manyi.Staff
---@param figures manyi.StaffFigures
---@param params manyi.EvaluationParams
---@return manyi.StaffDecision
function evaluate_staff(staff, figures, params) end

---care: the care events (greetings, calls, visits) of a customer on a day (policy `care`, the care job).
---@param customer manyi.CareCustomer
---@param date manyi.Date
---@param params manyi.CareParams
---@return manyi.CareItem[]
function care(customer, date, params) end

---code: the categories an open answer or a complaint is about (policy `coding`, manyi survey code).
---@param text manyi.Text
---@param params manyi.CodingParams
---@return string[]
function code(text, params) end

---eligible: whether a customer may be drawn into a survey wave (policy `eligibility`, manyi survey sample).
---@param customer manyi.FrameCustomer
---@param params manyi.EligibilityParams
---@return boolean|manyi.EligibleDecision
function eligible(customer, params) end

---alert: whether a scored response opens a follow-up ticket, for which department (nil: none) (policy `alert`, manyi import responses, survey code, eval alerts).
---@param response manyi.Response
---@param customer manyi.AlertCustomer
---@param ticket manyi.AlertTicket?
---@param params manyi.AlertParams
---@return manyi.AlertDecision?
function alert(response, customer, ticket, params) end
-- END generated

-- ---------------------------------------------------------------------------
-- manyi.stats: the statistics of `manyi stats NAME` (policies/README.md).
-- rows: a list of records or of numbers; opts: the command's options without
-- "--", '_' for '-'. Returns the `--json` object as a table (null = absent).
-- ---------------------------------------------------------------------------

---@alias manyi.Rows table[]|(number|string)[]
---@alias manyi.StatsFn fun(rows: manyi.Rows, opts?: table<string, any>): table
-- Population totals for rake: {VAR = {level = count, ...}, ...}; the variables
-- are raked in the order of their names (a Lua table has no order).
---@alias manyi.Margins table<string, table<string|number, number>>
---@class manyi.RakeOpts
---@field col string
---@field margin? manyi.Margins raking (R: rake); give margin or poststratify
---@field poststratify? manyi.Margins one variable (R: postStratify)
---@field weight? string
---@field strata? string
---@field cluster? string
---@field fpc? string
---@field nest? boolean
---@field lonely_psu? "fail"|"remove"|"adjust"|"certainty"|"average"
---@field epsilon? number
---@field maxit? integer
---@field conf? number

---@class manyi.Stats
---@field describe manyi.StatsFn opts: col, weight, by (groups {level: fields})
---@field mean manyi.StatsFn opts: col, conf, by, weight, strata, cluster, fpc, nest, lonely_psu
---@field prop manyi.StatsFn opts: col, success, method, conf, weight, strata, cluster, fpc, nest, lonely_psu
---@field nps manyi.StatsFn opts: col, by, conf, weight, strata, cluster, fpc, nest, lonely_psu
---@field sample_size fun(opts: table<string, any>): table
---@field ttest manyi.StatsFn
---@field anova manyi.StatsFn
---@field kruskal manyi.StatsFn
---@field mannwhitney manyi.StatsFn
---@field chisq manyi.StatsFn
---@field alpha manyi.StatsFn
---@field corr manyi.StatsFn
---@field regress manyi.StatsFn
---@field drivers manyi.StatsFn opts: y, x, performance, bootstrap, seed, conf, resamples
---@field km manyi.StatsFn
---@field pca manyi.StatsFn
---@field index manyi.StatsFn
---@field trend manyi.StatsFn
---@field kmeans manyi.StatsFn
---@field rake fun(rows: manyi.Rows, opts: manyi.RakeOpts): table margins as tables; files are refused for rows in memory

---@class manyi.Lib
---@field stats manyi.Stats
---@field tr fun(text: string): string text in the language of manyi's messages (its catalogue; unchanged when it lacks it or during `policy test`)
---@field sql? fun(query: string, ...: any): table[] REPL only: read-only SQL; rows keyed by column, NULL = nil
---@field customer? fun(id: string): manyi.Customer REPL only: the view the tier policy sees

---The engine's library (read-only).
---@type manyi.Lib
manyi = {}
