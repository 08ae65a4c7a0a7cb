from django import forms

from apps.core.forms import LongSelect


class ChoiceForm(forms.Form):
    pick = forms.ChoiceField(
        choices=[("", "All"), ("1", "'t Hof & <Zn>"), ("2", "Vathorst")], widget=LongSelect
    )


def test_a_long_select_writes_what_the_template_widget_writes():
    bound = ChoiceForm({"pick": "1"})["pick"]
    rendered = str(bound)
    expected = forms.Select(choices=ChoiceForm.base_fields["pick"].choices).render(
        "pick", "1", attrs={"id": "id_pick", "required": True}
    )
    assert rendered == expected.replace("\n", "").replace("  ", "")
    assert '<option value="1" selected>&#x27;t Hof &amp; &lt;Zn&gt;</option>' in rendered
    assert rendered.count("selected") == 1


def test_a_long_select_carries_the_field_attributes():
    form = ChoiceForm({"pick": "9"})
    form.is_valid()
    rendered = str(form["pick"])
    assert 'aria-invalid="true"' in rendered
    assert "selected" not in rendered
