"""The Taojiang demo: the county (`county`), its catalogue (`data/catalogue.json`, loaded through
the catalogue importer by `catalogue`), the authorization letters (`letters`) and months of case
history replayed under a travelled clock (`history`). `onewindow demo` loads them all.

No domain package imports this one: the demo sits above the domain, beside the UI shell.
"""
