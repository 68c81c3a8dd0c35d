import pytest

from tests import builders


@pytest.fixture
def world(db):
    """The site, two EPCI and five communes (one outside the département, in the CU's EPCI)."""
    pages = builders.site()
    cu = builders.epci("247100290", "CU Le Creusot Montceau-les-Mines", "CU")
    cc = builders.epci("200070530", "CC du Grand Autunois Morvan", "CC")
    return {
        **pages,
        "cu": cu,
        "cc": cc,
        "le_creusot": builders.commune(builders.LE_CREUSOT, epci_=cu),
        "autun": builders.commune(builders.AUTUN, epci_=cc),
        "macon": builders.commune(builders.MACON),
        "charolles": builders.commune(builders.CHAROLLES),
        "outside": builders.commune(
            ("01370", "Saint-Laurent-sur-Saône", "01750", None, None), epci_=cu, departement="01"
        ),
    }
