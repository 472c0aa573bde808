"""What a Poortwachter case is: aggregates, events and the rules, in pure Python.

Nothing here knows about HTTP, SQL or the tenant a case belongs to.
"""
