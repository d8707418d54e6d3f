"""Readers of public reference data (EPA tests and labels), with their stated rules."""
