"""Test support: factories that make valid objects through the product's own services."""
