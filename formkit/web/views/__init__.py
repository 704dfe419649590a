"""One module per page of `formkit app`, each a Flask blueprint."""
