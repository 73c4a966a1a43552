// Tests log only errors unless TOLLGATE_LOG_LEVEL says otherwise; a test that asserts log lines
// creates its own logger.
process.env.TOLLGATE_LOG_LEVEL ??= 'error';
