"""Orientation: a professional sends a person's request to a place, the place answers through a
signed link, the professional learns whether the person was taken in; and a fiche sent to the
person themself ("Envoyer à la personne").

Part of `fiches` (it joins a fiche to one of its places, structures of `territories`); its
models are registered through `fiches.models`. Personal data (the person's first name or
initials, how to reach them, the need, the documents, the place's comment) is shown to the
sender, the receiving structure (through its link, or its owners in the admin) and
administrators only, and erased `FICHES_ORIENTATION_DATA_DAYS` after the orientation is closed
(`manage.py anonymise_orientations`, run daily).
"""
