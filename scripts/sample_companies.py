"""The companies of the sample world: one registry for every sample generator.

Every invoice in ``sample_documents/`` is written by us. Different generators used to
invent their suppliers independently and reused organisation numbers for different
companies with different bank accounts; the changed-bank-account fraud rule then (rightly)
held those invoices. Here each company has exactly one organisation number (MOD11), one
name, one address and one bank account (a Norwegian MOD11 account; a supplier that bills
in EUR prints the same account as its IBAN). ``scripts/make_scan_samples.py``,
``make_pdf_samples.py`` and ``make_email_samples.py`` take their companies from here;
``make_sample_history.py`` reads the goldens they write.

``scripts/make_ehf_samples.py`` keeps its own copy of its companies (it is maintained
separately); they are listed here too, marked ``EHF``, so that :func:`check` can prove
that no other sample set reuses one of their numbers for another company.

Run ``.venv/bin/python scripts/sample_companies.py`` to print the registry and check it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from stdnum import iban as _iban
from stdnum.no import kontonr, orgnr


@dataclass(frozen=True)
class Company:
    """One company of the sample world, as its invoices print it."""

    name: str
    org: str  # 9 digits, MOD11
    street: str
    postcode: str
    city: str
    account: str | None = None  # 11 digits, MOD11; buyers have none
    email: str | None = None

    @property
    def postal_line(self) -> str:
        """``"7080 Trondheim"``."""
        return f"{self.postcode} {self.city}"

    @property
    def iban(self) -> str | None:
        """The account as an IBAN (``NOkk`` + the 11 digits): how the EUR invoices print it."""
        if self.account is None:
            return None
        return f"NO{_iban.calc_check_digits('NO00' + self.account)}{self.account}"


# ---- buyers (the companies the samples are addressed to) ----------------------------------

BILAG_DEMO = Company("Bilag Demo AS", "928374653", "Storgata 1", "0155", "Oslo")  # EHF
FJORDKANTEN_REGNSKAP = Company(
    "Fjordkanten Regnskap AS", "916341059", "Havnegata 12", "7010", "Trondheim"
)
NORDLYS_REGNSKAP = Company(
    "Nordlys Regnskap AS", "987654325", "Kongens gate 9", "7011", "Trondheim"
)  # scans, email

# ---- suppliers of the EHF samples (copied from make_ehf_samples.py; do not change here) ---

NORDLYS_KONTORREKVISITA = Company(
    "Nordlys Kontorrekvisita AS",
    "912345688",
    "Industrivegen 12",
    "7080",
    "Trondheim",
    "15032412340",
    "faktura@nordlys-kontor.no",
)  # EHF, and the PDF samples
FJELLMAT_CATERING = Company(
    "Fjellmat Catering AS", "934567811", "Fjellvegen 3", "2609", "Lillehammer", "97100543218"
)  # EHF
HELSEHUSET_FYSIOTERAPI = Company(
    "Helsehuset Fysioterapi AS", "812345699", "Parkveien 40", "5007", "Bergen", "30001234567"
)  # EHF
VESTLAND_BYGG = Company(
    "Vestland Bygg og Anlegg AS", "975318648", "Kaigata 7", "4006", "Stavanger", "32019876542"
)  # EHF
POLAR_DATATJENESTER = Company(
    "Polar Datatjenester AS", "887766568", "Teknobyen 2", "9019", "Tromsø", "60110543215"
)  # EHF (ehf-invoice-eur.xml pays to another account: see docs/ledger.md "Figures")

# ---- suppliers of the PDF samples ----------------------------------------------------------

BRYGGEN_KAFFEBRENNERI = Company(
    "Bryggen Kaffebrenneri AS",
    "923188770",
    "Bryggen 5",
    "5003",
    "Bergen",
    "32087766550",
    "post@bryggenkaffe.no",
)
TROMSO_ELEKTRO = Company(
    "Tromsø Elektro og Data AS",
    "991133550",
    "Sjøgata 3",
    "9008",
    "Tromsø",
    "47501122331",
    "regnskap@tromso-elektro.no",
)
VESTLAND_RENHOLD = Company(
    "Vestland Renhold AS", "915577040", "Kanalveien 40", "5068", "Bergen", "97104567898"
)
AURORA_SOFTWARE = Company(
    "Aurora Software ASA",
    "918456724",
    "Innherredsveien 7",
    "7014",
    "Trondheim",
    "12063344557",
    "billing@aurora-soft.no",
)  # bills in EUR: prints the IBAN
HAVBRIS_REGNSKAP = Company(
    "Havbris Regnskapstjenester AS", "912736458", "Kirkegata 8", "4006", "Stavanger", "32015566778"
)
POLAR_MASKIN = Company(
    "Polar Maskin og Utleie AS",
    "981234561",
    "Industriveien 21",
    "9406",
    "Harstad",
    "47309988112",
    "faktura@polarmaskin.no",
)
FJELLBAKERIET = Company(
    "Fjellbakeriet Lille Ski AS", "931729462", "Torget 2", "1400", "Ski", "12079988772"
)

# ---- suppliers of the scanned samples ------------------------------------------------------

FJORDKONTOR = Company(
    "Fjordkontor AS", "923609016", "Strandgata 14", "5013", "Bergen", "15031234562"
)
BERGVIK_ELEKTRO = Company(
    "Bergvik Elektro AS", "927415631", "Industriveien 7", "7080", "Heimdal", "12075543210"
)
POLAR_SOFTWARE = Company(
    "Polar Software Consulting AS", "992134879", "Sandakerveien 24C", "0473", "Oslo", "98014455663"
)  # bills in EUR: prints the IBAN
TRONDELAG_RENHOLD = Company(
    "Trøndelag Renhold AS", "812345001", "Kjøpmannsgata 30", "7013", "Trondheim", "86016543219"
)
HAVBRIS_CATERING = Company(
    "Havbris Catering AS", "975310868", "Bryggen 3", "4006", "Stavanger", "30001122335"
)
NORDVIK_TRANSPORT = Company(
    "Nordvik Transport AS", "888123458", "Havnegata 2", "9008", "Tromsø", "60129876541"
)

# ---- suppliers of the email samples --------------------------------------------------------

FJORDKRAFT_STROM = Company(
    "Fjordkraft Strøm AS", "913660242", "Storgata 1", "0155", "Oslo", "15039876121"
)
BERGEN_KONTORSERVICE = Company(
    "Bergen Kontorservice AS", "925803170", "Storgata 1", "5003", "Bergen", "30004567893"
)
TROMSO_ROR = Company(
    "Tromsø Rør og Varme AS", "930774510", "Storgata 1", "9008", "Tromsø", "47001234508"
)

ALL: tuple[Company, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Company))


def check(companies: tuple[Company, ...] = ALL) -> list[str]:
    """Every way the registry breaks "one company, one number, one name, one account"."""
    errors: list[str] = []
    for c in companies:
        if not orgnr.is_valid(c.org):
            errors.append(f"{c.name}: {c.org} is not a valid organisation number")
        if c.account is not None and not kontonr.is_valid(c.account):
            errors.append(f"{c.name}: {c.account} is not a valid account number")
    for attr in ("org", "name", "account"):
        seen: dict[str, str] = {}
        for c in companies:
            value = getattr(c, attr)
            if value is None:
                continue
            if value in seen and seen[value] != c.name:
                errors.append(f"{attr} {value} is used by {seen[value]} and {c.name}")
            seen.setdefault(value, c.name)
    return errors


def main() -> int:
    for c in ALL:
        print(f"{c.org}  {c.account or '-':11}  {c.name}")
    errors = check()
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
