"""The car's software: what its controllers do with the driver's demand.

Calibrations (a torque-split map, a regeneration policy) are data built from the
vehicle's parts, not code paths.
"""
