"""Rollups of the figures the dashboards read (see docs/insights.md)."""
