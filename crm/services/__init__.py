"""Writes: every state change of the CRM goes through one function here."""
