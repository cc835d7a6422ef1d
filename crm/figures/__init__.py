"""企业年度指标: the services that record, submit, confirm and return an enterprise's yearly figures, and the selector
that reads the confirmed ones (the one reading used by the matcher, 亩均论英雄, estimates and reports)."""
