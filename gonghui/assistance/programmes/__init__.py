"""Assistance programmes (送温暖, 金秋助学 …): budgets, eligibility and amount rules, grants."""
