"""Reviewing stored translations: state changes (`changes`) and the local review page (`server`)."""
