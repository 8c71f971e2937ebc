"""The Chorus Pro error hierarchy: transient versus needs-a-human, code and label kept, readable messages."""

import pickle

import pytest

from chorus.errors import (
    MAX_LABEL_LENGTH,
    ChorusAuthError,
    ChorusBusinessError,
    ChorusError,
    ChorusHumanError,
    ChorusNetworkError,
    ChorusProtocolError,
    ChorusRouteError,
    ChorusServerError,
    ChorusTransientError,
)

TRANSIENT = (ChorusNetworkError, ChorusServerError, ChorusProtocolError)
HUMAN = (ChorusAuthError, ChorusRouteError, ChorusBusinessError)


@pytest.mark.parametrize("error_class", TRANSIENT)
def test_transient_errors_are_retryable(error_class):
    error = error_class("x")
    assert error.retryable is True and isinstance(error, ChorusTransientError) and isinstance(error, ChorusError)
    assert not isinstance(error, ChorusHumanError)


@pytest.mark.parametrize("error_class", HUMAN)
def test_human_errors_are_not_retryable(error_class):
    error = error_class("x")
    assert error.retryable is False and isinstance(error, ChorusHumanError) and isinstance(error, ChorusError)
    assert not isinstance(error, ChorusTransientError)


def test_base_error_is_not_retryable():
    assert ChorusError.retryable is False


def test_message_holds_operation_status_code_and_label():
    error = ChorusBusinessError("GCU_MSG_05_004 piece number already used", code=20002, http_status=200,
                                operation="works_submit")
    text = str(error)
    assert text.startswith("Chorus Pro business error on works_submit (HTTP 200)")
    assert "code 20002" in text and "GCU_MSG_05_004 piece number already used" in text and text.endswith(".")
    assert (error.code, error.http_status, error.operation) == (20002, 200, "works_submit")
    assert error.args == (text,)


def test_message_without_details():
    assert str(ChorusNetworkError()) == "Chorus Pro network error."


def test_repr_names_every_field():
    error = ChorusServerError("server unavailable", code=503, http_status=503, operation="file_upload")
    assert repr(error) == ("ChorusServerError(code=503, label='server unavailable', http_status=503, "
                           "operation='file_upload')")


def test_label_is_one_short_line():
    error = ChorusBusinessError("line one\n  line two\t" + "x" * 1000)
    assert "\n" not in error.label and error.label.startswith("line one line two")
    assert len(error.label) == MAX_LABEL_LENGTH and error.label.endswith("...")


def test_pickle_keeps_class_and_fields():
    error = ChorusRouteError("API not subscribed", code=403, http_status=403, operation="works_search")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ChorusRouteError and repr(copy) == repr(error) and str(copy) == str(error)


@pytest.mark.parametrize("error_class", TRANSIENT + HUMAN)
def test_every_kind_reads_as_english(error_class):
    text = str(error_class("label", code=1))
    assert text.startswith("Chorus Pro ") and "label" in text
