"""`newsletter publish`: an export's per-locale files carried into the provider's account through its API.

Plan first, then apply (the habit of infrastructure tools): `plan.py` holds the typed plan, `engine.py`
reads the account and carries a plan out step by step, `ledger.py` records each completed step in
`dist/<issue>/<provider>/publish.json`, `http.py` is the one HTTP client (httpx: https only, timeouts,
retries), `exported.py` reads the export the plan is made from. One small module per provider's API face
(`sendgrid.py`, …) says what its objects are and how to look them up, create, update and schedule them.
"""
