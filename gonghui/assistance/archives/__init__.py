"""Hardship archives (困难职工档案): application to exit and watch, household members,
attachments, yearly reviews and spot checks, the archive import and the portal application."""
