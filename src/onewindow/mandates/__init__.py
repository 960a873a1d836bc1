"""Window authorization (授权委托书), per-item powers, approval seals, and first-asked records."""
