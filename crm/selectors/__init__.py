"""Reads that cross models or feed a report."""
