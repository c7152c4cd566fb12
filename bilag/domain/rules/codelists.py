"""Code list rules: EN 16931 BR-CL-* and PEPPOL-EN16931-CL* on the coded fields of the model.

The lists themselves are generated data (:mod:`bilag.domain.rules.codelist_data`,
from the OpenPEPPOL code lists). Code list rules whose official context is "that
element anywhere in the document" (VAT category codes BR-CL-17/18, EAS scheme
BR-CL-25/CL008, MIME code BR-CL-24/CL001, currencyID BR-CL-03/CL007) are checked
on the XML by :mod:`parsers.ehf.rules.check`; a PDF or OCR reader produces those codes
itself, so there is nothing to check on its output. The EN 16931 lists that differ from PEPPOL's
(UNTDID 1001 document types) are spelled out here, copied from the CEN rules.
"""

from __future__ import annotations

from bilag.domain.model import Address, Invoice
from bilag.domain.rules import codelist_data as cl
from bilag.domain.rules.base import Context
from bilag.domain.rules.peppol import is_ubl_credit_note

__all__ = ["check"]

# BR-CL-01, EN 16931 (CEN) restriction of UNTDID 1001.
CEN_INVOICE_TYPES = cl.codes(
    "80 82 84 130 202 203 204 211 218 219 295 325 326 331 380 382 383 384 385 386 387 388 389 "
    "390 393 394 395 456 457 527 553 575 623 633 751 780 817 870 875 876 877 935"
)
# BR-CL-08: UNCL 4451 text subject qualifiers, as the CEN rule lists them.
UNCL4451 = cl.codes(
    "AAA AAB AAC AAD AAE AAF AAG AAI AAJ AAK AAL AAM AAN AAO AAP AAQ AAR AAS AAT AAU AAV AAW "
    "AAX AAY AAZ ABA ABB ABC ABD ABE ABF ABG ABH ABI ABJ ABK ABL ABM ABN ABO ABP ABQ ABR ABS "
    "ABT ABU ABV ABW ABX ABZ ACA ACB ACC ACD ACE ACF ACG ACH ACI ACJ ACK ACL ACM ACN ACO ACP "
    "ACQ ACR ACS ACT ACU ACV ACW ACX ACY ACZ ADA ADB ADC ADD ADE ADF ADG ADH ADI ADJ ADK ADL "
    "ADM ADN ADO ADP ADQ ADR ADS ADT ADU ADV ADW ADX ADY ADZ AEA AEB AEC AED AEE AEF AEG AEH "
    "AEI AEJ AEK AEL AEM AEN AEO AEP AEQ AER AES AET AEU AEV AEW AEX AEY AEZ AFA AFB AFC AFD "
    "AFE AFF AFG AFH AFI AFJ AFK AFL AFM AFN AFO AFP AFQ AFR AFS AFT AFU AFV AFW AFX AFY AFZ "
    "AGA AGB AGC AGD AGE AGF AGG AGH AGI AGJ AGK AGL AGM AGN AGO AGP AGQ AGR AGS AGT AGU AGV "
    "AGW AGX AGY AGZ AHA AHB AHC AHD AHE AHF AHG AHH AHI AHJ AHK AHL AHM AHN AHO AHP AHQ AHR "
    "AHS AHT AHU AHV AHW AHX AHY AHZ AIA AIB AIC AID AIE AIF AIG AIH AII AIJ AIK AIL AIM AIN "
    "AIO AIP AIQ AIR AIS AIT AIU AIV AIW AIX AIY AIZ AJA AJB ALC ALD ALE ALF ALG ALH ALI ALJ "
    "ALK ALL ALM ALN ALO ALP ALQ ARR ARS AUT AUU AUV AUW AUX AUY AUZ AVA AVB AVC AVD AVE AVF "
    "BAG BAH BAI BAJ BAK BAL BAM BAN BAO BAP BAQ BAR BAS BLC BLD BLE BLF BLG BLH BLI BLJ BLK "
    "BLL BLM BLN BLO BLP BLQ BLR BLS BLT BLU BLV BLW BLX BLY BLZ BMA BMB BMC BMD BME CCI CEX "
    "CHG CIP CLP CLR COI CUR CUS DAR DCL DEL DIN DOC DUT EUR FBC GBL GEN GS7 HAN HAZ ICN IIN "
    "IMI IND INS INV IRP ITR ITS LAN LIN LOI MCO MDH MKS ORI OSI PAC PAI PAY PKG PKT PMD PMT "
    "PRD PRF PRI PUR QIN QQD QUT RAH REG RET REV RQR SAF SIC SIN SLR SPA SPG SPH SPP SPT SRN "
    "SSR SUR TCA TDT TRA TRR TXD WHI ZZZ"
)
CEN_CREDIT_NOTE_TYPES = cl.codes("81 83 261 262 296 308 381 396 420 458 532")


def _code(value: str | None) -> str | None:
    return None if value is None else value.strip()


def _addresses(inv: Invoice) -> list[tuple[str, Address]]:
    out: list[tuple[str, Address]] = []
    for where, party in (
        ("supplier", inv.supplier),
        ("buyer", inv.buyer),
        ("payee", inv.payee),
        ("tax_representative", inv.tax_representative),
    ):
        if party is not None and party.address is not None:
            out.append((where + ".address", party.address))
    if inv.delivery_address is not None:
        out.append(("delivery_address", inv.delivery_address))
    return out


def check(inv: Invoice, ctx: Context) -> None:
    """Run the code list rules on one invoice."""
    fire = ctx.fire
    tc = _code(inv.type_code)
    if tc is not None:
        if inv.ubl_root is None and inv.parser != "ehf":
            # Not UBL: which list applies depends on a syntax we did not read.
            allowed = CEN_INVOICE_TYPES | CEN_CREDIT_NOTE_TYPES
        else:
            allowed = CEN_CREDIT_NOTE_TYPES if is_ubl_credit_note(inv) else CEN_INVOICE_TYPES
        if tc not in allowed:
            fire("BR-CL-01", "type_code")
    cur = _code(inv.currency)
    if cur is not None and cur not in cl.ISO4217:
        fire("BR-CL-04", "currency")
    tcur = _code(inv.tax_currency)
    if tcur is not None and tcur not in cl.ISO4217:
        fire("BR-CL-05", "tax_currency")
    for i, note in enumerate(inv.notes):
        # "#AAA#free text": the three letters between the first two '#' are a UNCL 4451 code.
        subject = note.partition("#")[2].partition("#")[0] if "#" in note else ""
        if len(subject) == 3 and subject not in UNCL4451 and note.count("#") >= 2:
            fire("BR-CL-08", f"notes.{i}")
    tpc = _code(inv.tax_point_date_code)
    if tpc is not None and tpc not in cl.UNCL2005:
        fire("BR-CL-06", "tax_point_date_code")
        fire("PEPPOL-EN16931-CL006", "tax_point_date_code")
    for where, addr in _addresses(inv):
        cc = _code(addr.country_code)
        if cc is not None and cc not in cl.ISO3166:
            fire("BR-CL-14", where + ".country_code")
    for i, pm in enumerate(inv.payment_means):
        code = _code(pm.code)
        if code is not None and code not in cl.UNCL4461:
            fire("BR-CL-16", f"payment_means.{i}.code")
    for i, vb in enumerate(inv.vat_breakdown):
        ex = _code(vb.exemption_reason_code)
        if ex is not None and ex.upper() not in cl.VATEX:
            fire("BR-CL-22", f"vat_breakdown.{i}.exemption_reason_code")
    for i, ln in enumerate(inv.lines):
        for j, ac in enumerate(ln.allowances_charges):
            _reason_code(
                ctx,
                is_charge=ac.is_charge,
                code=ac.reason_code,
                where=f"lines.{i}.allowances_charges.{j}",
            )
    for i, ac in enumerate(inv.allowances_charges):
        _reason_code(
            ctx, is_charge=ac.is_charge, code=ac.reason_code, where=f"allowances_charges.{i}"
        )


def _reason_code(ctx: Context, *, is_charge: bool, code: str | None, where: str) -> None:
    c = _code(code)
    if c is None:
        return
    if is_charge:
        if c not in cl.UNCL7161:
            ctx.fire("BR-CL-20", where + ".reason_code")
            ctx.fire("PEPPOL-EN16931-CL003", where + ".reason_code")
    elif c not in cl.UNCL5189:
        ctx.fire("BR-CL-19", where + ".reason_code")
        ctx.fire("PEPPOL-EN16931-CL002", where + ".reason_code")
