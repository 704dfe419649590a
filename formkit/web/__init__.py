"""The staff's web page (`formkit app`): the procedure in a browser on the user's own computer.

server: start, the first line, Ctrl-C; site: the Flask application and what every request
passes (security); security: the key, the cookie, CSRF, Host and Origin, safe paths; views: one
module per page; office: LibreOffice kept running for PDFs (uno_host runs under LibreOffice's own
Python); jobs: long work with progress and cancelling; texts: every Dutch word the page shows
that the core does not already say. The page calls the same core functions as the commands.
"""
