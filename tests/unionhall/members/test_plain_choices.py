"""Select boxes offer words, not Django's row of dashes (issue 16)."""

from unionhall.members.forms import DASHES, OfficeForm


def test_the_office_form_has_no_row_of_dashes(db):
    form = OfficeForm()
    for name, field in form.fields.items():
        labels = [str(label) for _, label in getattr(field, "choices", [])]
        assert DASHES not in labels, name
