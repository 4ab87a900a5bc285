-- Version 21: single- and multiple-choice questions. A choice question has
-- no scale (open = 1, as a free-text one: open means "no scale" here) and
-- its choices' codes in the order shown, joined by ';'; multiple = 1 lets
-- the customer pick several. Its answer is stored in answer_texts as the
-- chosen codes in that order, joined by ';'. Free-text questions: choices
-- IS NULL. Depends only on tables of version 1.
ALTER TABLE questions ADD COLUMN choices TEXT CHECK (choices IS NULL OR length(choices) BETWEEN 3 AND 1023);
ALTER TABLE questions ADD COLUMN multiple INTEGER NOT NULL DEFAULT 0 CHECK (multiple IN (0, 1));
