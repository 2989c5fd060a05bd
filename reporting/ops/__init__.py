"""What a council's IT team and service desk run the product by: each request's id and its one JSON log
line (`request_log`), compression of what the app sends (`compression`), the health checks
(`health`), when the scheduled jobs last ran (`runs`), and the site's small files for robots and
browsers (robots.txt, security.txt, the favicon: `views`)."""
