-- A neutralized copy of a database (staging, test) must never deposit on the real Chorus Pro.
UPDATE res_company
   SET chorus_enabled = false;
