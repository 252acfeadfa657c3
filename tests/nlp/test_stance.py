"""Negation, lexicalised negation and modality per language."""

from tests.nlp.helpers import triples


def test_english_negated_offer_is_opposition():
    assert ("Italy", "ground_troops", "oppose") in triples(
        "Italy will not send troops to Ukraine.", "en"
    )


def test_english_did_not_rule_out_is_considering():
    assert ("Germany", "ground_troops", "considering") in triples(
        "Germany did not rule out sending peacekeepers to Ukraine.", "en"
    )


def test_english_modal_turns_support_into_considering():
    assert ("Canada", "air_support", "considering") in triples(
        "Canada could provide air support.", "en"
    )


def test_french_ne_pas_negates():
    assert ("Italy", "ground_troops", "oppose") in triples(
        "L'Italie n'enverra pas de troupes en Ukraine.", "fr"
    ) | triples("L'Italie ne veut pas envoyer de troupes en Ukraine.", "fr")


def test_french_ne_before_a_cue_holding_pas_is_the_same_negation():
    # "n'a pas l'intention": the cue "pas l'intention" holds the negation, "n'" is its first half.
    assert ("United Kingdom", "ground_troops", "oppose") in triples(
        "Le Royaume-Uni n’a pas l’intention de déployer des troupes en Ukraine.", "fr"
    )


def test_a_negated_exclusion_is_considering_in_any_word_order():
    # The lexicon lists "not rule out", "n'exclut pas", "nicht ausschließen", "не исключил" as
    # considering; other orders of the same negation read the same, where "reject" flips.
    assert ("Germany", "ground_troops", "considering") in triples(
        "Germany does not completely rule out sending troops to Ukraine.", "en"
    )
    assert ("Emmanuel Macron", "ground_troops", "considering") in triples(
        "Emmanuel Macron n'a jamais exclu l'envoi de troupes en Ukraine.", "fr"
    )
    assert ("Olaf Scholz", "ground_troops", "considering") in triples(
        "Scholz schließt die Entsendung von Soldaten nicht aus.", "de"
    )
    assert ("France", "ground_troops", "considering") in triples(
        "Франция не стала полностью исключать отправку войск на Украину.", "ru"
    )
    assert ("Alternative for Germany", "ground_troops", "support") in triples(
        "Die AfD lehnt die Entsendung von Soldaten nicht ab.", "de"
    )


def test_german_nicht_ausgeschlossen_is_considering():
    assert ("Friedrich Merz", "ground_troops", "considering") in triples(
        "Friedrich Merz hat die Entsendung von Bodentruppen nicht ausgeschlossen.", "de"
    )


def test_german_separable_ablehnen():
    assert ("Alternative for Germany", "ground_troops", "oppose") in triples(
        "Die AfD lehnt eine Entsendung deutscher Soldaten ab.", "de"
    )


def test_german_split_verb_is_read_as_its_compound_across_the_clause():
    # The lexicon lists the infinitives (ausschließen, aussetzen, zusagen, zusichern); the finite
    # verb and its clause-final particle make them, with the proposal between.
    assert ("Olaf Scholz", "ground_troops", "oppose") in triples(
        "Scholz schließt die Entsendung von Soldaten weiterhin kategorisch aus.", "de"
    )
    assert ("Donald Trump", "military_aid", "oppose") in triples(
        "Donald Trump setzt die Militärhilfe für die Ukraine vorerst aus.", "de"
    )
    assert ("Germany", "air_defense", "support") in triples(
        "Deutschland sagte der Ukraine weitere Patriot-Systeme zu.", "de"
    )
    assert ("France", "security_guarantee", "support") in triples(
        "Frankreich sicherte der Ukraine Sicherheitsgarantien zu.", "de"
    )


def test_a_german_particle_that_is_no_clause_end_joins_nothing():
    # "ab" before a noun is the preposition: "lehnte … ab Montag" is no "ablehnen", and
    # "lehnte sich … zurück" (zurücklehnen, to lean back) is no cue at all.
    assert (
        triples(
            "Kanzler Merz lehnte sich ab Montag in den Gesprächen über die Entsendung von Soldaten"
            " zurück.",
            "de",
        )
        == set()
    )


def test_russian_ne_iskluchil_is_considering():
    assert ("France", "ground_troops", "considering") in triples(
        "Франция не исключила отправку войск на Украину.", "ru"
    )


def test_russian_negated_readiness_is_opposition():
    assert ("Poland", "ground_troops", "oppose") in triples(
        "Польша не готова направить войска на Украину.", "ru"
    )


def test_ukrainian_support_cue():
    assert ("United Kingdom", "ground_troops", "support") in triples(
        "Велика Британія готова розмістити війська в Україні.", "uk"
    )


def test_arabic_lan_negates_and_qad_before_imperfect_is_modal():
    assert ("Poland", "ground_troops", "oppose") in triples(
        "أكدت بولندا أنها لن ترسل قوات إلى أوكرانيا.", "ar"
    )
    assert ("Germany", "ground_troops", "considering") in triples(
        "ألمانيا قد ترسل قوات برية إلى أوكرانيا.", "ar"
    )


def test_arabic_rejection_with_attached_pronoun():
    assert ("Russia", "ground_troops", "oppose") in triples(
        "أكدت روسيا رفضها نشر قوات أجنبية في أوكرانيا.", "ar"
    )


def test_a_rejection_governs_the_action_it_names():
    # "livrer" alone is a support cue; under "refuse de" it only names what is refused.
    found = triples("La Hongrie refuse de livrer des armes à l'Ukraine.", "fr")
    assert found == {("Hungary", "military_aid", "oppose")}


def test_two_support_cues_in_a_row_agree():
    assert ("Canada", "ground_troops", "support") in triples(
        "Canada is ready to send troops to Ukraine.", "en"
    )


def test_a_negation_before_the_proposal_denies_it_whatever_the_cue():
    # The negation stands on the proposal, not on the cue: "no troops will be sent", "not
    # membership but aid"; a cue of its own negation is not negated twice.
    assert ("Donald Trump", "ground_troops", "oppose") in triples(
        "No American troops will be sent to Ukraine, Trump said.", "en"
    )
    assert ("Jens Stoltenberg", "nato_membership", "oppose") in triples(
        "Stoltenberg said the priority for the alliance is not membership for Ukraine but aid.",
        "en",
    )
    assert ("Jens Stoltenberg", "nato_membership", "oppose") in triples(
        "Столтенберг зазначив, що пріоритетом для Альянсу є не членство України, а допомога їй.",
        "uk",
    )
    assert ("Friedrich Merz", "ground_troops", "oppose") in triples(
        "Merz will keine deutschen Truppen in die Ukraine schicken.", "de"
    )
    assert ("Germany", "ground_troops", "support") in triples(
        "Germany supports not only troops but also air defence.", "en"
    )
    assert ("Italy", "ground_troops", "oppose") in triples(
        "L'Italie n'enverra pas de troupes en Ukraine.", "fr"
    )


def test_quote_marks_are_no_distance_between_a_cue_and_its_proposal():
    # « être exclu » quotes two words of the sentence: the pairing counts the words, not the marks.
    assert ("Emmanuel Macron", "ground_troops", "considering") in triples(
        "Emmanuel Macron a estimé que l’envoi de troupes au sol en Ukraine ne devait pas "
        "« être exclu » à l’avenir.",
        "fr",
    )


def test_a_proposal_anchor_is_still_the_stance_cue_it_is():
    # "send" anchors "fighter jets" as arms aid and is also the support cue that pairs with it.
    assert ("Poland", "military_aid", "support") in triples("Poland will send fighter jets.", "en")
    assert ("Poland", "military_aid", "oppose") in triples(
        "Poland will not send fighter jets.", "en"
    )


def test_a_zero_weight_anchor_anchors_nothing():
    from tracker.nlp.normalize.document import Document
    from tracker.nlp.proposals import find_proposal_spans
    from tracker.nlp.resources import LexiconRecord, Resources

    resources = Resources.from_records(
        [],
        [
            LexiconRecord("en", "proposal_cue", "nato_membership", "membership"),
            LexiconRecord("en", "anchor", "nato_membership", "nato"),
            LexiconRecord("en", "anchor", "nato_membership", "nato summit", 0.0),
        ],
    )

    def kinds(text):
        doc = Document.build(text, "en", resources.packs["en"], resources)
        return [p.kind for p in find_proposal_spans(doc)]

    assert kinds("Membership of NATO was discussed.") == ["nato_membership"]
    assert kinds("Membership fees were discussed at the NATO summit.") == []


def test_quote_marks_do_not_break_a_lexicon_phrase():
    from tracker.nlp.normalize.document import Document
    from tracker.nlp.resources import default_resources

    resources = default_resources()
    text = "L’envoi de troupes ne devait pas « être exclu »."
    doc = Document.build(text, "fr", resources.packs["fr"], resources)
    found = {(doc.span_text(h.start, h.end), h.payload[0]) for h in doc.cues}
    assert ("ne devait pas « être exclu", "considering") in found


def test_a_cue_in_a_conditional_clause_is_nobodys_stance_and_a_warning_reaches_into_it():
    found = triples(
        "Російська влада пригрозила прямим конфліктом з НАТО, якщо Альянс відправить свої війська "
        "в Україну.",
        "uk",
    )
    assert ("NATO", "ground_troops", "support") not in found
    assert ("Russia", "ground_troops", "oppose") in found
    found = triples("Russia warned of a direct conflict if NATO sends troops to Ukraine.", "en")
    assert found == {("Russia", "ground_troops", "oppose")}
    # after the cue, the condition leaves the stance as it is
    assert ("Australia", "ground_troops", "considering") in triples(
        "Australia may send peacekeepers to Ukraine if asked.", "en"
    )


def test_voicing_an_idea_proposes_it():
    cases = [
        (
            "fr",
            "Le Premier ministre espagnol Pedro Sánchez a évoqué l'idée de déployer des troupes en Ukraine.",
        ),
        ("ru", "Премьер Испании Педро Санчес озвучил идею ввода войск на Украину."),
        ("en", "Spain floated the idea of sending peacekeepers to Ukraine."),
    ]
    for lang, text in cases:
        stances = {s for a, k, s in triples(text, lang) if k == "ground_troops"}
        assert stances == {"support"}, (lang, triples(text, lang))


def test_a_german_negation_far_before_a_clause_final_verb_negates_it():
    found = triples(
        "Spanien wird zu keinem Zeitpunkt die Präsenz von Nato-Truppen auf ukrainischem Territorium"
        " billigen oder sich damit abfinden.",
        "de",
    )
    assert ("Spain", "ground_troops", "oppose") in found, found
    assert ("Spain", "ground_troops", "support") not in found, found
    # a verb that does not end its clause keeps the short window
    found = triples(
        "Keine Regierung hat bisher gesagt, dass Spanien Truppen in die Ukraine schicken will.",
        "de",
    )
    assert ("Spain", "ground_troops", "oppose") not in found, found


def test_a_negated_request_is_no_stance():
    for lang, text in (
        ("uk", "Іспанія ніколи не просила про направлення військ в Україну."),
        ("ru", "Испания никогда не просила об отправке войск на Украину."),
    ):
        found = triples(text, lang)
        assert not any(a == "Spain" and k == "ground_troops" for a, k, _ in found), (lang, found)


def test_not_insisting_on_a_step_is_no_stance():
    for lang, text in (
        ("en", "Spain does not insist on joining NATO during the war."),
        ("ru", "Испания не настаивает на вступлении в НАТО во время войны."),
    ):
        found = triples(text, lang)
        assert not any(a == "Spain" and s == "oppose" for a, _, s in found), (lang, found)


def test_carrying_out_such_a_step_refers_back_to_the_proposal():
    # "осуществить подобный шаг": a verb that carries a proposal out, and "such a step" for it
    for text, language in (
        (
            "Инициативу о бесполётной зоне над Украиной высказал глава польского МИД Радослав "
            "Сикорский. При этом он подчеркнул, что Варшава может осуществить подобный шаг только "
            "вместе с союзниками.",
            "ru",
        ),
        (
            "Ініціативу щодо безпольотної зони над Україною висловив глава МЗС Польщі Радослав "
            "Сікорський. Він наголосив, що Варшава може здійснити подібний крок лише разом із "
            "союзниками.",
            "uk",
        ),
    ):
        found = triples(text, language)
        assert ("Poland", "no_fly_zone", "considering") in found, (language, found)


def test_a_warning_judges_the_proposal_its_sentence_opens_with():
    # The warning stands further from the proposal than other cues may: "deployment" is the
    # proposal's noun, the sentence's predicate ("an intervention that poses a threat") its stance.
    found = triples(
        "The deployment of Western troops and military facilities in Ukraine will be considered "
        "an intervention that poses a security threat, said Sergey Lavrov.",
        "en",
    )
    assert ("Sergey Lavrov", "ground_troops", "oppose") in found, found
    assert ("Sergey Lavrov", "ground_troops", "support") not in found, found


def test_the_parliamentary_opposition_is_no_objection():
    for text, language in (
        (
            "Opposition leader Peter Dutton spoke about the peacekeeping troops, insisting Canberra "
            "should support Ukraine.",
            "en",
        ),
        ("تحدث زعيم المعارضة بيتر داتون عن إرسال قوات إلى أوكرانيا", "ar"),
    ):
        assert ("Peter Dutton", "ground_troops", "oppose") not in triples(text, language)
    # An objection is still one.
    assert ("Russia", "ground_troops", "oppose") in triples(
        "Russia voiced its opposition to the deployment of Western troops.", "en"
    )
    assert ("Peter Dutton", "ground_troops", "oppose") in triples(
        "Opposition leader Peter Dutton has dismissed the idea of sending Australian troops.", "en"
    )


def test_a_negated_belief_verb_negates_the_clause_it_opens():
    cases = (
        ('"We do not believe that sending troops to Ukraine is possible," Hegseth said.', "en"),
        (
            "« Nous ne pensons pas que l'envoi de troupes en Ukraine soit possible », a déclaré "
            "Hegseth.",
            "fr",
        ),
        (
            "«Wir glauben nicht, dass die Entsendung von Truppen in die Ukraine möglich ist», "
            "sagte Hegseth.",
            "de",
        ),
        ("«Мы не считаем, что отправка войск на Украину возможна», заявил Хегсет.", "ru"),
        ("«Ми не вважаємо, що відправлення військ в Україну можливе», заявив Гегсет.", "uk"),
        ('وقال هيغسيث: "لا نعتقد أن هناك إمكانية لإرسال قوات إلى أوكرانيا".', "ar"),
    )
    for text, language in cases:
        found = triples(text, language)
        assert found == {("Pete Hegseth", "ground_troops", "oppose")}, (language, found)
    # Not negated, the belief leaves the clause's own stance.
    assert triples(
        '"We believe that sending troops to Ukraine is possible," Hegseth said.', "en"
    ) == {("Pete Hegseth", "ground_troops", "considering")}


def test_thanking_for_a_measure_backs_it_and_thanks_to_is_a_cause():
    cases = (
        ("Zelensky thanked Germany for the air defence systems.", "en"),
        ("Selenskyj dankte Deutschland für die Flugabwehrsysteme.", "de"),
        ("Zelensky a remercié l'Allemagne pour les systèmes de défense aérienne.", "fr"),
        ("Зеленский поблагодарил Германию за системы ПВО.", "ru"),
        ("Зеленський подякував Німеччині за системи ППО.", "uk"),
        ("شكر زيلينسكي ألمانيا على أنظمة الدفاع الجوي.", "ar"),
    )
    for text, language in cases:
        found = triples(text, language)
        assert found == {("Volodymyr Zelensky", "air_defense", "support")}, (language, found)
    for text, language in (
        ("Thanks to the air defence systems, Ukraine shot down the missiles.", "en"),
        ("Благодаря системам ПВО Украина сбила ракеты.", "ru"),
    ):
        assert not triples(text, language), language
