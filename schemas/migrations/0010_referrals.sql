-- Version 10: referrals, who brought whom. A customer is referred by at most
-- one other customer and never by themselves (cycles are refused by the
-- engine, core/service/referrals.c). The referrer earns the loyalty policy's
-- `referral` points once, when the referred customer's first order completes
-- (`manyi eval points`, ledger key "referral:<referred>:earn").
CREATE TABLE referrals (
  id          INTEGER PRIMARY KEY,
  referred_id INTEGER NOT NULL UNIQUE REFERENCES customers(id),
  referrer_id INTEGER NOT NULL REFERENCES customers(id),
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT CHECK (length(recorded_by) BETWEEN 1 AND 64),
  CHECK (referrer_id <> referred_id)
) STRICT;
CREATE INDEX referrals_by_referrer ON referrals(referrer_id);
