-- A neutralized copy of a database (staging, test) must never deposit on the real Chorus Pro:
-- nothing is sent, and if someone switches it on again it talks to the qualification sandbox.
UPDATE res_company
   SET chorus_enabled = false,
       chorus_environment = 'qualification',
       chorus_api_url = NULL,
       chorus_token_url = NULL;
