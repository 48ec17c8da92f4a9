"""Monitoring and early warning (监测预警): rule evaluation, runs, alerts and their facts.

definitions.py (vocabulary, built-in rules; no models), rules.py (one set-based query per rule), assignment.py (who gets an alert),
alert_writer.py (inserting a rule's new alerts: COPY on PostgreSQL, bulk_create elsewhere),
services.py (writes), selectors.py (scoped reads), tasks.py (background runs). Deadlines in
Chinese working days come from gonghui.core.workdays.
"""
