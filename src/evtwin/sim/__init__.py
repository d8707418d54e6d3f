"""Procedures: drive cycles, regulatory tests, dynamometer replays."""
