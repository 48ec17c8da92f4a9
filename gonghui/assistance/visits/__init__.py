"""Regular visits (常态化帮扶, 四季帮扶): due and overdue per quarter, recorded visits, photos."""
