"""Reviewing stored translations: state changes (`changes`), reviewed files brought back (`imports`)
and the local review page (`server`)."""
