"""The synonyms and acronyms a search starts with (fiches.models.Synonym, read by fiches.query):
the social sector's acronyms, the names of national networks agents use as shorthand for a
need, and the everyday words of a need. Installed by `manage.py install_reperes`: a term
already in the list is left as the administrators made it; one they deleted comes back at the
next run (edit it instead).

Each entry: (term, equivalents, both ways). Both ways: any of the phrasings typed searches for
all of them (an acronym and its name); one way: the term is a way of saying a need, widened to
the words the fiches use for it.
"""

from django.db import transaction

DEFAULT_SYNONYMS = [
    # Organisations and their acronyms.
    ("CAF", "caisse d’allocations familiales, allocations familiales", True),
    ("MSA", "mutualité sociale agricole", True),
    ("CPAM", "caisse primaire d’assurance maladie, assurance maladie, sécurité sociale, Ameli", True),
    ("CCAS", "centre communal d’action sociale", True),
    ("CIAS", "centre intercommunal d’action sociale", True),
    ("MDS", "maison départementale des solidarités", True),
    ("MDPH", "maison départementale des personnes handicapées", True),
    ("PMI", "protection maternelle et infantile", True),
    ("ASE", "aide sociale à l’enfance, protection de l’enfance", True),
    ("CMP", "centre médico-psychologique", True),
    ("CSAPA", "centre de soins, d’accompagnement et de prévention en addictologie, addictologie", True),
    ("PASS", "permanence d’accès aux soins de santé", True),
    ("France Travail", "Pôle emploi", True),
    ("France services", "maison France services, MSAP, maison de services au public", True),
    ("EHPAD", "maison de retraite, établissement d’hébergement pour personnes âgées dépendantes", True),
    ("SIAO", "service intégré d’accueil et d’orientation, 115", True),
    ("SAMU social", "115, maraude", True),
    ("CHRS", "centre d’hébergement et de réinsertion sociale", True),
    ("HLM", "logement social, habitation à loyer modéré", True),
    ("PCB", "point conseil budget", True),
    # Benefits and schemes.
    ("RSA", "revenu de solidarité active", True),
    (
        "C2S",
        "complémentaire santé solidaire, CMU, CMU-C, ACS, complémentaire santé, mutuelle",
        True,
    ),
    ("APL", "aide personnalisée au logement, aide au logement, ALS, ALF", True),
    ("AAH", "allocation aux adultes handicapés", True),
    ("PCH", "prestation de compensation du handicap", True),
    ("APA", "allocation personnalisée d’autonomie", True),
    ("AEEH", "allocation d’éducation de l’enfant handicapé", True),
    ("FSL", "fonds de solidarité pour le logement", True),
    ("FAJ", "fonds d’aide aux jeunes", True),
    ("CEJ", "contrat d’engagement jeune", True),
    ("AME", "aide médicale de l’État", True),
    ("ARE", "allocation chômage, aide au retour à l’emploi", True),
    ("CMI", "carte mobilité inclusion, carte d’invalidité, carte de stationnement", True),
    ("MASP", "mesure d’accompagnement social personnalisé", True),
    ("SDF", "sans domicile fixe, sans abri, sans-abri", True),
    ("épicerie solidaire", "épicerie sociale", True),
    ("téléassistance", "téléalarme", True),
    ("personnes âgées", "seniors, personnes de 60 ans et plus", True),
    ("assistante sociale", "assistant social, travailleur social", True),
    # National networks agents name for what they do.
    ("Restos du cœur", "Restaurants du cœur, aide alimentaire, colis alimentaire", False),
    ("Secours populaire", "aide alimentaire, colis alimentaire, vestiaire", False),
    ("Secours catholique", "aide alimentaire, vestiaire, accueil de jour", False),
    ("Croix-Rouge", "aide alimentaire, vestiaire, SAMU social", False),
    ("Emmaüs", "vestiaire, vêtements, friperie solidaire, meubles", False),
    ("banque alimentaire", "aide alimentaire, colis alimentaire, épicerie sociale", False),
    (
        "CIDFF",
        "centre d’information sur les droits des femmes et des familles, violences conjugales, "
        "accès au droit",
        False,
    ),
    (
        "UDAF",
        "union départementale des associations familiales, protection juridique des majeurs, "
        "tutelle, curatelle",
        False,
    ),
    (
        "ADIL",
        "agence départementale d’information sur le logement, impayé de loyer, expulsion",
        False,
    ),
    ("Planning familial", "contraception, grossesse, IVG", False),
    ("Cap emploi", "emploi, handicap", False),
    # The everyday words of a need.
    (
        "plus d’électricité",
        "coupure d’électricité, impayé d’énergie, facture d’électricité, chèque énergie",
        False,
    ),
    ("plus de courant", "coupure d’électricité, impayé d’énergie, facture d’électricité", False),
    ("plus de gaz", "coupure de gaz, impayé d’énergie, facture de gaz", False),
    ("plus d’eau", "coupure d’eau, impayé d’eau, facture d’eau", False),
    (
        "plus de chauffage",
        "chauffage, impayé d’énergie, facture d’énergie, chèque énergie, fioul",
        False,
    ),
    ("chauffage", "énergie, fioul, bois, gaz, électricité", False),
    ("EDF", "électricité, facture d’énergie", False),
    ("Engie", "gaz, facture d’énergie", False),
    ("dentiste", "soins dentaires, frais de santé, accès aux soins", False),
    ("lunettes", "frais de santé, complémentaire santé", False),
    ("médecin", "soins, consultation, accès aux soins", False),
    ("psy", "psychologue, psychiatre, santé mentale", False),
    ("drogue", "addiction, cannabis, stupéfiants", False),
    ("couches bébé", "puériculture, produits pour bébé, épicerie sociale, colis alimentaire", False),
    ("bébé", "nourrisson, petite enfance", False),
    ("enceinte", "grossesse", False),
    ("nounou", "assistante maternelle, garde d’enfants", False),
    ("enfant handicapé", "AEEH, PCH, MDPH", False),
    ("femme battue", "violences conjugales", False),
    ("à la rue", "sans abri, hébergement d’urgence, 115", False),
    ("dormir dehors", "sans abri, hébergement d’urgence, 115", False),
    ("sans logement", "sans abri, hébergement d’urgence, 115", False),
    ("manger", "aide alimentaire, colis alimentaire, repas", False),
    ("faim", "aide alimentaire, colis alimentaire", False),
    ("nourriture", "aide alimentaire, colis alimentaire", False),
    ("habits", "vêtements, vestiaire", False),
    ("meubles", "équipement, mobilier", False),
    ("boulot", "emploi, travail", False),
    ("chômage", "France Travail, demandeur d’emploi, allocation chômage", False),
    ("impôts", "impots.gouv, déclarer ses revenus, démarches en ligne", False),
    ("apprendre le français", "cours de français, FLE, alphabétisation", False),
    ("lire écrire", "illettrisme, alphabétisation, savoirs de base", False),
    ("avocat", "avocat gratuit, conseil juridique, accès au droit", False),
    ("dettes", "surendettement, endettement, conseil budgétaire", False),
    ("isolé", "isolement, personnes seules", False),
    ("solitude", "isolement, personnes seules", False),
    ("vieux", "personnes âgées, seniors", False),
]


@transaction.atomic
def install_synonyms(entries=None):
    """Create the entries whose term is not in the list yet; returns how many were created."""
    from .models import Synonym
    from .query import fold_words

    known = set(Synonym.objects.values_list("key", flat=True))
    created = []
    for term, equivalents, both_ways in DEFAULT_SYNONYMS if entries is None else entries:
        key = " ".join(fold_words(term))
        if key not in known:
            known.add(key)
            created.append(Synonym(term=term, equivalents=equivalents, both_ways=both_ways, key=key))
    Synonym.objects.bulk_create(created)
    if created:
        from .result_cache import forget_results

        forget_results()  # bulk_create sends no post_save
    return len(created)
