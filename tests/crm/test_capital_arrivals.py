"""实际到资 to the statistical standard: each arrival records its 资金来源, 币种, 原币金额, the 中间价 of its day and the
万元 it makes, and its evidence (银行进账单 / 验资报告), which only staff who read the pipeline download."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.errors import DomainError
from crm.models import CapitalArrival, CapitalSource, Currency, EvidenceKind, ExchangeRate, Stage
from crm.pipeline.commitments import capital_arrival_record, exchange_rate_on
from tests.factories import enterprise_user, project_at, service_officer, tiny_pdf

pytestmark = pytest.mark.django_db


def slip(name="中行进账单.pdf", content=None):
    return SimpleUploadedFile(name, tiny_pdf() if content is None else content, content_type="application/pdf")


@pytest.fixture
def signed(qian):
    return project_at(Stage.SIGNED, owner=qian, name="羲和光电显示模组产线项目", total_investment=Decimal("20000"))


@pytest.fixture
def usd_rates(db):
    ExchangeRate.objects.create(day=dt.date(2024, 9, 30), currency=Currency.USD, rate=Decimal("7.0074"))
    ExchangeRate.objects.create(day=dt.date(2024, 10, 8), currency=Currency.USD, rate=Decimal("7.0709"))


def test_the_rate_is_that_of_the_arrival_day_or_the_latest_earlier_day(usd_rates):
    assert exchange_rate_on(currency=Currency.USD, day=dt.date(2024, 10, 8)) == Decimal("7.0709")
    # The National Day holiday: no 中间价 published from 1 to 7 October, the 30 September one applies.
    assert exchange_rate_on(currency=Currency.USD, day=dt.date(2024, 10, 5)) == Decimal("7.0074")
    assert exchange_rate_on(currency=Currency.USD, day=dt.date(2024, 12, 31)) == Decimal("7.0709")
    assert exchange_rate_on(currency=Currency.USD, day=dt.date(2024, 9, 29)) is None
    assert exchange_rate_on(currency=Currency.EUR, day=dt.date(2024, 10, 8)) is None
    assert exchange_rate_on(currency=Currency.CNY, day=dt.date(2024, 10, 8)) == Decimal("1")


def test_a_dollar_arrival_is_converted_to_wan_yuan_at_its_days_rate(signed, qian, usd_rates):
    arrival = capital_arrival_record(
        project=signed, arrived_on=dt.date(2024, 10, 5), original_amount=Decimal("1234567.89"),
        currency=Currency.USD, source=CapitalSource.FOREIGN, actor=qian,
    )

    arrival.refresh_from_db()
    # 1,234,567.89 USD × 7.0074 = 8,651,111.03 元 = 865.111103 万元 → 865.11 万元
    assert (arrival.source, arrival.currency, arrival.original_amount, arrival.rate, arrival.amount) == (
        "foreign", "USD", Decimal("1234567.89"), Decimal("7.007400"), Decimal("865.11")
    )


def test_a_yen_arrival_is_converted_per_yen_and_rounded_half_up_to_the_fen(signed, qian):
    # 中间价: 100 日元 = 4.7305 元, entered per 1 日元.
    ExchangeRate.objects.create(day=dt.date(2024, 10, 10), currency=Currency.JPY, rate=Decimal("0.047305"))

    arrival = capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 10), original_amount=Decimal("100000000"),
                                     currency=Currency.JPY, source=CapitalSource.FOREIGN, actor=qian)

    # 100,000,000 JPY × 0.047305 = 4,730,500 元 = 473.05 万元
    assert arrival.amount == Decimal("473.05")


def test_a_yuan_arrival_is_its_amount_at_rate_one_given_in_yuan_or_in_wan(signed, qian):
    in_yuan = capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 10), original_amount=Decimal("30000000"),
                                     source=CapitalSource.OUT_OF_PROVINCE, actor=qian)
    in_wan = capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 11), amount=Decimal("1500"), actor=qian)

    assert (in_yuan.currency, in_yuan.rate, in_yuan.amount, in_yuan.source) == ("CNY", 1, Decimal("3000.00"), "out_of_province")
    assert (in_wan.original_amount, in_wan.rate, in_wan.amount, in_wan.source) == (
        Decimal("15000000"), 1, Decimal("1500.00"), "in_province"
    )


def test_a_foreign_currency_without_a_rate_is_refused_in_chinese_and_nothing_is_stored(signed, qian, usd_rates):
    with pytest.raises(DomainError) as error:
        capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 8), original_amount=Decimal("1000000"),
                               currency=Currency.EUR, source=CapitalSource.FOREIGN, evidence=slip(),
                               evidence_kind=EvidenceKind.BANK_SLIP, actor=qian)

    assert error.value.field == "currency"
    assert error.value.message == "没有 2024-10-08 或之前的欧元汇率中间价，请先在“汇率中间价”中登记后再登记到资。"
    assert CapitalArrival.objects.count() == 0


def test_an_amount_in_wan_is_refused_for_a_foreign_currency(signed, qian, usd_rates):
    with pytest.raises(DomainError) as error:
        capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 8), amount=Decimal("100"),
                               currency=Currency.USD, source=CapitalSource.FOREIGN, actor=qian)

    assert (error.value.field, error.value.message) == (
        "original_amount", "外币到资请填写原币金额，按到资当日汇率折算为万元。"
    )
    assert CapitalArrival.objects.count() == 0


def test_the_evidence_is_checked_by_its_content_and_needs_its_kind(signed, qian):
    disguised = SimpleUploadedFile("进账单.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError) as wrong_type:
        capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 8), amount=Decimal("100"),
                               evidence=disguised, evidence_kind=EvidenceKind.BANK_SLIP, actor=qian)
    with pytest.raises(DomainError) as no_kind:
        capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 8), amount=Decimal("100"),
                               evidence=slip(), actor=qian)
    with pytest.raises(DomainError) as no_file:
        capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 8), amount=Decimal("100"),
                               evidence_kind=EvidenceKind.CAPITAL_VERIFICATION, actor=qian)

    assert (wrong_type.value.field, wrong_type.value.message) == (
        "evidence", "只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。"
    )
    assert (no_kind.value.field, no_kind.value.message) == ("evidence_kind", "请选择凭证类型（银行进账单或验资报告）。")
    assert (no_file.value.field, no_file.value.message) == ("evidence", "请上传验资报告。")
    assert CapitalArrival.objects.count() == 0


@pytest.fixture
def with_slip(signed, qian):
    return capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 8), amount=Decimal("100"),
                                  evidence=slip(), evidence_kind=EvidenceKind.BANK_SLIP, actor=qian)


def test_staff_who_read_the_pipeline_download_the_evidence_as_the_type_its_content_is(client, with_slip, qian, boss):
    url = reverse("capital-evidence", args=[with_slip.pk])
    for reader in (qian, boss):
        client.force_login(reader)

        response = client.get(url)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert 'filename*=utf-8\'\'%E4%B8%AD%E8%A1%8C%E8%BF%9B%E8%B4%A6%E5%8D%95.pdf' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == tiny_pdf()


def test_others_do_not_download_the_evidence(client, with_slip, sunshine):
    url = reverse("capital-evidence", args=[with_slip.pk])

    anonymous = client.get(url)
    client.force_login(service_officer(username="zhou2"))
    service = client.get(url)
    client.force_login(enterprise_user(sunshine, username="ent"))
    enterprise = client.get(url)

    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert (service.status_code, enterprise.status_code) == (403, 403)


def test_an_arrival_without_evidence_has_nothing_to_download(client, signed, qian, boss):
    arrival = capital_arrival_record(project=signed, arrived_on=dt.date(2024, 10, 8), amount=Decimal("100"), actor=qian)
    client.force_login(boss)

    assert client.get(reverse("capital-evidence", args=[arrival.pk])).status_code == 404


def test_the_admin_records_a_dollar_arrival_with_its_slip_at_the_days_rate(client, signed, qian, usd_rates):
    client.force_login(qian)

    response = client.post(reverse("admin:crm_capitalarrival_add"), {
        "project": signed.pk, "arrived_on": "2024-10-08", "source": "foreign", "currency": "USD",
        "original_amount": "2000000", "amount": "", "evidence_kind": "bank_slip", "evidence_upload": slip(), "note": "首期",
    })

    assert response.status_code == 302
    arrival = CapitalArrival.objects.get()
    # 2,000,000 × 7.0709 / 10,000 = 1,414.18 万元
    assert (arrival.amount, arrival.rate, arrival.evidence_kind, arrival.evidence_name) == (
        Decimal("1414.18"), Decimal("7.070900"), "bank_slip", "中行进账单.pdf"
    )


def test_the_admin_shows_the_missing_rate_next_to_the_currency_and_stores_nothing(client, signed, qian):
    client.force_login(qian)

    response = client.post(reverse("admin:crm_capitalarrival_add"), {
        "project": signed.pk, "arrived_on": "2024-10-08", "source": "foreign", "currency": "HKD",
        "original_amount": "2000000", "amount": "", "evidence_kind": "", "note": "",
    })

    assert response.context["adminform"].form.errors == {
        "currency": ["没有 2024-10-08 或之前的港元汇率中间价，请先在“汇率中间价”中登记后再登记到资。"]
    }
    assert CapitalArrival.objects.count() == 0


def test_the_api_records_a_foreign_arrival_and_refuses_one_without_a_rate(qian, signed, usd_rates):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(qian)
    url = f"/api/v1/projects/{signed.pk}/capital-arrivals/"

    created = api.post(url, {"arrived_on": "2024-10-08", "source": "foreign", "currency": "USD",
                             "original_amount": "1000000", "evidence_kind": "capital_verification",
                             "evidence": slip("验资报告.pdf")}, format="multipart")
    refused = api.post(url, {"arrived_on": "2024-10-08", "source": "foreign", "currency": "GBP",
                             "original_amount": "1000000"}, format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["amount"], body["rate"], body["currency"], body["source"]) == ("707.09", "7.070900", "USD", "foreign")
    assert body["evidence_url"] == reverse("capital-evidence", args=[body["id"]])
    assert refused.status_code == 400
    assert "英镑汇率中间价" in str(refused.json())
    assert CapitalArrival.objects.count() == 1
