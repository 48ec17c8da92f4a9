"""Workforce (产业工人): labour and skills competitions, 工人先锋号 and other honours
nominations, innovation studios, 名师带徒 mentorships, 五小 innovations and suggestions, and
the honours ledger that links them (DESIGN §4 "Workforce", glossary §5)."""
