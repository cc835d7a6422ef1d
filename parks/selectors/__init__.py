"""Reads of the parks app: policy matching and grants, parcels, spaces, landing commitments.

Each module does its work in a constant number of queries (named in the docstrings and pinned in tests).
"""
