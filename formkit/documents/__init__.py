"""The registration form and the letters to the client (procedure steps 2 to 4), in Word and PDF.

context: what a template may name; templating: rendering a Word template safely; convert: PDFs
with LibreOffice; letters: a batch of documents, recorded in the register; signature: placeholder
signature images.
"""

LETTER_KINDS = ("ontvangst", "verlenging", "terugkoppeling", "tevredenheid")
