"""Letters that leave the building: e-mail drafts and digital signatures (procedure step 4)."""
