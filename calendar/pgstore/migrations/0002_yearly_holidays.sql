-- calendar: yearly holidays. italian_holidays closes a calendar on Italy's
-- national holidays every year; patron_days lists its local yearly
-- holidays as a JSON array of {"month","day","name"} (NULL when none).

ALTER TABLE calendar_calendars
    ADD COLUMN italian_holidays boolean NOT NULL DEFAULT false,
    ADD COLUMN patron_days      jsonb;
