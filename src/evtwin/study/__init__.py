"""Studies: many simulations over uncertain or varied specifications."""
