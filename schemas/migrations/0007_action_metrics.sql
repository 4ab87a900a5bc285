-- Version 7: improvement actions carry the PDCA record the company rules ask
-- for: the problem, the measure, the metric it should move and its baseline,
-- and when closed the metric after the action with the test of the change.
ALTER TABLE improvement_actions ADD COLUMN problem TEXT CHECK (problem IS NULL OR length(problem) <= 2000);
ALTER TABLE improvement_actions ADD COLUMN measure TEXT CHECK (measure IS NULL OR length(measure) <= 2000);
ALTER TABLE improvement_actions ADD COLUMN metric TEXT
  CHECK (metric IS NULL OR metric IN ('satisfied_share', 'first_response_met', 'resolution_rate',
                                      'complaint_rate'));
ALTER TABLE improvement_actions ADD COLUMN baseline_period TEXT;
ALTER TABLE improvement_actions ADD COLUMN baseline_x INTEGER CHECK (baseline_x >= 0);
ALTER TABLE improvement_actions ADD COLUMN baseline_n INTEGER CHECK (baseline_n >= baseline_x);
ALTER TABLE improvement_actions ADD COLUMN after_period TEXT;
ALTER TABLE improvement_actions ADD COLUMN after_x INTEGER CHECK (after_x >= 0);
ALTER TABLE improvement_actions ADD COLUMN after_n INTEGER CHECK (after_n >= after_x);
ALTER TABLE improvement_actions ADD COLUMN p_value REAL CHECK (p_value BETWEEN 0 AND 1);
