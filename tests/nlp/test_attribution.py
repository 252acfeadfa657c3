"""Holders: clause subjects, quote speakers, anaphora, reported speech and the speaker's own state."""

from tests.nlp.helpers import triples


def test_reported_third_party_holds_the_position():
    found = triples("Trump said the Europeans are ready to send ground troops.", "en")
    assert ("European countries", "ground_troops", "support") in found
    assert ("Donald Trump", "ground_troops", "support") not in found


def test_speaker_reporting_own_state_holds_the_position():
    assert ("Donald Tusk", "ground_troops", "oppose") in triples(
        "Polish Prime Minister Donald Tusk said Poland would not deploy soldiers.", "en"
    )


def test_quote_goes_to_its_speaker_via_pronoun():
    found = triples(
        'Pete Hegseth spoke in Brussels. "There will not be U.S. troops deployed to Ukraine," he said.',
        "en",
    )
    assert ("Pete Hegseth", "ground_troops", "oppose") in found


def test_venue_after_locative_is_not_an_actor_and_not_a_holder():
    from tracker.nlp.pipeline import extract
    from tracker.nlp.resources import default_resources

    result = extract(
        "Leaders met in Paris on Monday.",
        language="en",
        published=None,
        resources=default_resources(),
    )
    assert "France" not in result.actors


def test_arabic_verb_first_subject():
    assert ("NATO", "no_fly_zone", "oppose") in triples(
        "رفض حلف شمال الأطلسي فرض منطقة حظر طيران فوق أوكرانيا.", "ar"
    )


def test_arabic_his_country_and_quote_we():
    text = "وقال ترامب:\n«نحن مستعدون للمساهمة عبر الدعم الجوي»."
    assert ("Donald Trump", "air_support", "support") in triples(text, "ar")


def test_french_coordinated_subjects_both_hold():
    found = triples(
        "La France et le Royaume-Uni veulent constituer une force de réassurance.", "fr"
    )
    assert {
        ("France", "ground_troops", "support"),
        ("United Kingdom", "ground_troops", "support"),
    } <= found


def test_german_postposed_reporting_verb():
    assert ("Friedrich Merz", "security_guarantee", "support") in triples(
        "Deutschland werde sich an Sicherheitsgarantien beteiligen, sagte Merz.", "de"
    )


def test_russian_postposed_speaker():
    assert ("Maria Zakharova", "ground_troops", "oppose") in triples(
        "Россия отвергает размещение войск НАТО на Украине, заявила Мария Захарова.", "ru"
    )


def test_ukrainian_reported_membership_goal():
    assert ("Andrii Sybiha", "nato_membership", "support") in triples(
        "Андрій Сибіга нагадав, що вступ до НАТО залишається стратегічною метою України.", "uk"
    )


def test_russian_and_ukrainian_in_x_said_names_the_institution():
    # "В Кремле заявили" is "the Kremlin said"; "в Москве" before anything else stays a venue.
    assert ("Kremlin", "ground_troops", "oppose") in triples(
        "В Кремле заявили, что отправка миротворцев на Украину недопустима.", "ru"
    )
    assert ("White House", "air_defense", "support") in triples(
        "У Білому домі заявили, що готові надати Україні ППО.", "uk"
    )
    assert triples("На переговорах в Кремле обсуждали отправку миротворцев.", "ru") == set()


def test_a_verb_first_subject_takes_the_whole_list_that_follows_it():
    # Arabic VSO and German V2 put the subjects after the verb: all of the list hold the stance.
    found = triples("وأيدت فرنسا وبريطانيا وألمانيا إرسال قوات إلى أوكرانيا.", "ar")
    assert {
        ("France", "ground_troops", "support"),
        ("United Kingdom", "ground_troops", "support"),
        ("Germany", "ground_troops", "support"),
    } <= found


def test_speaker_and_own_state_both_hold():
    cases = [
        (
            "Polish Prime Minister Donald Tusk said Poland would not deploy soldiers.",
            "en",
            "Donald Tusk",
            "Poland",
            "ground_troops",
            "oppose",
        ),
        (
            "Kanzler Olaf Scholz sagte, Deutschland werde keine Bodentruppen in die Ukraine schicken.",
            "de",
            "Olaf Scholz",
            "Germany",
            "ground_troops",
            "oppose",
        ),
        (
            "Дональд Туск заявил, что Польша не отправит свои войска на Украину.",
            "ru",
            "Donald Tusk",
            "Poland",
            "ground_troops",
            "oppose",
        ),
    ]
    for text, lang, person, state, kind, stance in cases:
        found = triples(text, lang)
        assert (person, kind, stance) in found, (lang, found)
        assert (state, kind, stance) in found, (lang, found)


def test_his_country_gives_the_state_and_the_person():
    found = triples(
        "Polens Ministerpräsident Donald Tusk sagte, sein Land werde keine Truppen in die Ukraine schicken.",
        "de",
    )
    assert ("Poland", "ground_troops", "oppose") in found
    assert ("Donald Tusk", "ground_troops", "oppose") in found


def test_partner_or_party_after_a_preposition_is_not_the_holder():
    cases = [
        (
            "L’Ukraine négocie avec les États-Unis et la France pour obtenir des garanties de sécurité.",
            "fr",
            "Ukraine",
            "United States",
            "security_guarantee",
        ),
        (
            "Deutschland will nach Gesprächen mit Frankreich Truppen in die Ukraine schicken.",
            "de",
            "Germany",
            "France",
            "ground_troops",
        ),
        (
            "Italy, in talks between Kyiv and Moscow, is ready to send peacekeepers.",
            "en",
            "Italy",
            "Russia",
            "ground_troops",
        ),
    ]
    for text, lang, holder, partner, kind in cases:
        found = {(a, k) for a, k, _ in triples(text, lang)}
        assert (holder, kind) in found, (lang, found)
        assert (partner, kind) not in found, (lang, found)


def test_german_object_before_a_final_verb_is_not_the_holder():
    found = triples("Frankreich wird der Ukraine bald weitere Luftabwehrsysteme liefern.", "de")
    assert ("France", "air_defense", "support") in found
    assert ("Ukraine", "air_defense", "support") not in found
    found = triples("Die Niederlande werden Kiew weitere Patriot-Systeme liefern.", "de")
    assert ("Netherlands", "air_defense", "support") in found
    assert ("Ukraine", "air_defense", "support") not in found


def test_german_state_before_a_title_is_a_modifier_not_the_first_actor():
    found = triples(
        "Frankreichs Präsident Emmanuel Macron will der Ukraine weitere Luftabwehrsysteme liefern.",
        "de",
    )
    assert ("Emmanuel Macron", "air_defense", "support") in found
    assert ("Ukraine", "air_defense", "support") not in found


def test_a_plural_pronoun_stands_for_the_actors_last_named_together():
    cases = [
        (
            "en",
            "Spain and Portugal met in Madrid on Monday. They said they were ready to send "
            "peacekeepers to Ukraine after a ceasefire.",
        ),
        (
            "ru",
            "Испания и Португалия провели встречу в Мадриде. Они заявили, что готовы направить "
            "миротворцев на Украину.",
        ),
        (
            "uk",
            "Іспанія та Португалія провели зустріч у Мадриді. Вони заявили, що готові направити "
            "миротворців в Україну.",
        ),
    ]
    for lang, text in cases:
        found = triples(text, lang)
        assert {
            ("Spain", "ground_troops", "support"),
            ("Portugal", "ground_troops", "support"),
        } <= found, (lang, found)


def test_a_plural_pronoun_with_no_actors_named_together_has_no_holder():
    found = triples(
        "Spain hosted the talks. They said they were ready to send peacekeepers to Ukraine.", "en"
    )
    assert ("Spain", "ground_troops", "support") not in found


def test_a_person_coordinated_with_a_title_between_holds_with_the_first():
    cases = [
        (
            "en",
            "Spanish Prime Minister Pedro Sánchez and Portuguese Prime Minister Luís Montenegro "
            "pledged to send peacekeepers to Ukraine.",
        ),
        (
            "ru",
            "Премьер-министры Испании Педро Санчес и Португалии Луиш Монтенегру пообещали "
            "направить миротворцев на Украину.",
        ),
        (
            "ar",
            "وأكد رئيس الوزراء الإسباني بيدرو سانشيز والرئيس البرتغالي لويس مونتينيغرو أنهما "
            "مستعدون لإرسال قوات إلى أوكرانيا.",
        ),
    ]
    for lang, text in cases:
        found = {(a, k) for a, k, _ in triples(text, lang)}
        assert {
            ("Pedro Sánchez", "ground_troops"),
            ("Luís Montenegro", "ground_troops"),
        } <= found, (
            lang,
            found,
        )


def test_a_title_does_not_join_a_person_to_an_actor_without_a_coordination():
    found = {
        (a, k)
        for a, k, _ in triples(
            "Emmanuel Macron met German Chancellor Olaf Scholz, who pledged to send air defence "
            "systems to Ukraine.",
            "en",
        )
    }
    assert ("Olaf Scholz", "air_defense") in found
    assert ("Emmanuel Macron", "air_defense") not in found


def test_the_actors_a_request_verb_asks_are_not_the_holders():
    cases = [
        ("en", "Kyiv has asked Spain and Portugal to provide more air defence systems.", "Ukraine"),
        ("en", "Zelensky called on Spain to send more Patriot systems.", "Volodymyr Zelensky"),
        (
            "fr",
            "Zelensky a exhorté l'Espagne à fournir des systèmes de défense aérienne.",
            "Volodymyr Zelensky",
        ),
        (
            "de",
            "Selenskyj forderte Spanien auf, weitere Patriot-Systeme zu liefern.",
            "Volodymyr Zelensky",
        ),
        ("ru", "Зеленский призвал Испанию поставить Украине системы ПВО.", "Volodymyr Zelensky"),
        ("uk", "Зеленський закликав Іспанію передати Україні системи ППО.", "Volodymyr Zelensky"),
    ]
    for lang, text, holder in cases:
        found = {(a, k) for a, k, _ in triples(text, lang)}
        assert (holder, "air_defense") in found, (lang, found)
        assert ("Spain", "air_defense") not in found, (lang, found)
        assert ("Portugal", "air_defense") not in found, (lang, found)


def test_the_agent_of_a_passive_holds_the_stance():
    cases = [
        (
            "en",
            "Sending European troops - first proposed by Spain and Portugal - is a risky option.",
            {("Spain", "ground_troops", "support"), ("Portugal", "ground_troops", "support")},
        ),
        (
            "en",
            "The plan to deploy peacekeepers in Ukraine was rejected by Spain.",
            {("Spain", "ground_troops", "oppose")},
        ),
        (
            "fr",
            "L'envoi de troupes proposé par l'Espagne divise les alliés.",
            {("Spain", "ground_troops", "support")},
        ),
    ]
    for lang, text, expected in cases:
        assert expected <= triples(text, lang), (lang, triples(text, lang))


def test_a_wire_dateline_names_no_actor():
    from tracker.nlp.pipeline import extract
    from tracker.nlp.resources import default_resources

    cases = [
        (
            "de",
            "Warschau/Berlin (Reuters) - Spanien lehnt die Entsendung von Truppen ab.",
            "Germany",
        ),
        ("en", "MOSCOW, (Reuters) – Spain ruled out sending troops to Ukraine.", "Russia"),
        ("ru", "Москва. 4 сентября. INTERFAX.RU - Испания не отправит войска.", "Russia"),
    ]
    for lang, text, place in cases:
        result = extract(text, language=lang, published=None, resources=default_resources())
        assert "Spain" in result.actors and place not in result.actors, (lang, result.actors)
    # a headline with a dash keeps its actor
    result = extract(
        "Trump - the deal is off, Russia said.",
        language="en",
        published=None,
        resources=default_resources(),
    )
    assert "Donald Trump" in result.actors


def test_in_x_before_a_stance_verb_names_who_took_the_stance():
    assert ("Kremlin", "ground_troops", "oppose") in triples(
        "В Кремле выступили против размещения войск НАТО на Украине.", "ru"
    )
    assert ("Lithuania", "air_defense", "support") in triples(
        "У Литві виступили за розміщення систем протиповітряної оборони.", "uk"
    )


def test_the_side_a_stance_noun_comes_from_holds_it():
    assert ("Spain", "ground_troops", "oppose") in triples(
        "Le projet d'envoi de troupes a suscité un refus de la part de l'Espagne.", "fr"
    )


def test_russian_and_ukrainian_dialogue_dashes_open_direct_speech():
    ru = (
        "Песков выступил в Кремле.\n\n"
        "– Мы категорически против отправки войск НАТО на Украину, – заявил Песков журналистам."
    )
    assert ("Dmitry Peskov", "ground_troops", "oppose") in triples(ru, "ru")
    uk = (
        "Трамп говорив з журналістами.\n\n"
        "– Ми готові допомогти у повітрі. Ніхто не має таких речей, – пояснив Трамп."
    )
    assert ("Donald Trump", "air_support", "support") in triples(uk, "uk")


def test_a_dash_inside_a_line_is_no_direct_speech():
    from tracker.nlp.normalize.document import Document
    from tracker.nlp.resources import default_resources

    resources = default_resources()
    doc = Document.build(
        "Песков – представитель Кремля – заявил об этом.", "ru", resources.packs["ru"], resources
    )
    assert doc.quotes == []


def test_the_owner_of_a_stance_noun_holds_it_and_not_the_clause_around_it():
    # The actor after a noun naming a stance ("the request of", "просьба", "مطلب") is its owner;
    # a predicate about that noun ("… is unacceptable") is the speaker's, not the owner's.
    cases = [
        (
            "fr",
            "Le ministre a déclaré que la demande de l'Espagne d'adhérer à l'Otan était inacceptable.",
            {("Spain", "nato_membership", "support")},
        ),
        (
            "ru",
            "Песков заявил, что просьба Испании о поставках систем ПВО не будет выполнена.",
            {("Spain", "air_defense", "support"), ("Dmitry Peskov", "air_defense", "oppose")},
        ),
        (
            "ar",
            "وقال بيسكوف إن مطلب إسبانيا بالانضمام إلى حلف شمال الأطلسي مستحيل.",
            {
                ("Spain", "nato_membership", "support"),
                ("Dmitry Peskov", "nato_membership", "oppose"),
            },
        ),
        (
            "uk",
            "Міністр підтвердив неготовність Іспанії відправляти війська в Україну.",
            {("Spain", "ground_troops", "oppose")},
        ),
    ]
    for lang, text, expected in cases:
        found = triples(text, lang)
        assert expected <= found, (lang, found)
        if lang != "uk":  # the owner of a demand is not the one who calls it impossible
            assert not any(a == "Spain" and s == "oppose" for a, _, s in found), (lang, found)


def test_a_noun_that_is_also_a_verb_names_no_owner():
    # "offer Spain" is a verb and its object; "Forderung an Spanien" is addressed to Spain.
    found = triples("The United States could offer Spain a security guarantee.", "en")
    assert ("Spain", "security_guarantee", "support") not in found, found
    found = triples("Die Forderung an Spanien, Patriot-Systeme zu liefern, bleibt.", "de")
    assert ("Spain", "air_defense", "support") not in found, found


def test_an_acronym_in_brackets_is_as_eligible_as_the_name_it_glosses():
    found = triples("وقال بيسكوف إن انضمام أوكرانيا إلى حلف شمال الأطلسي (الناتو) مستحيل.", "ar")
    assert ("NATO", "nato_membership", "oppose") not in found, found
    assert ("Dmitry Peskov", "nato_membership", "oppose") in found, found


def test_a_reporting_verb_with_coordinated_subjects_gives_the_stance_to_them_all():
    cases = [
        (
            "fr",
            "L'Espagne et le Portugal ont déclaré leur volonté de déployer des troupes en Ukraine.",
        ),
        ("en", "Spain and Portugal said that they were ready to send troops to Ukraine."),
    ]
    for lang, text in cases:
        found = triples(text, lang)
        assert {
            ("Spain", "ground_troops", "support"),
            ("Portugal", "ground_troops", "support"),
        } <= (found), (lang, found)


def test_together_with_coordinates_holders():
    found = triples(
        "Pistorius kündigte gemeinsam mit Spanien an, die Ukraine militärisch zu unterstützen.",
        "de",
    )
    assert ("Spain", "military_aid", "support") in found, found


def test_a_warning_against_with_its_object_pronoun_opposes():
    found = triples(
        "Medwedew beschimpft Spanien und warnt sie davor, Friedenstruppen in die Ukraine zu schicken.",
        "de",
    )
    assert ("Dmitry Medvedev", "ground_troops", "oppose") in found, found
    assert ("Dmitry Medvedev", "ground_troops", "support") not in found, found


def test_a_comma_closes_a_source_phrase_that_opens_the_sentence():
    found = triples(
        "По словам Шольца, Испания сразу заявила, что не будет выступать за бесполетную зону над Украиной.",
        "ru",
    )
    assert ("Spain", "no_fly_zone", "oppose") in found, found
    assert ("Ukraine", "no_fly_zone", "oppose") not in found, found  # "над Украиной" is a place


def test_a_slavic_genitive_after_the_proposal_is_no_holder_but_a_nominative_is():
    found = triples("Отправка войск Испании в Украину недопустима, заявил Песков.", "ru")
    assert ("Dmitry Peskov", "ground_troops", "oppose") in found, found
    assert ("Spain", "ground_troops", "oppose") not in found, found
    found = triples("Розміщення в Україні західних миротворців Іспанія вважає неприпустимим.", "uk")
    assert ("Spain", "ground_troops", "oppose") in found, found


def test_a_russian_or_ukrainian_dative_is_no_subject():
    found = triples("Фіцо заявив, що Угорщині не варто приєднуватись до НАТО.", "uk")
    assert ("Robert Fico", "nato_membership", "oppose") in found, found
    assert not any(a == "Hungary" for a, _, _ in found), found
    # a genitive owner and a locative speaker still hold
    found = triples("В Кремле заявили, что отправка войск в Украину недопустима.", "ru")
    assert ("Kremlin", "ground_troops", "oppose") in found, found


def test_a_negation_before_an_owned_noun_is_its_governing_verbs():
    found = triples(
        "وقال بيسكوف إن الضمانات لا يمكن أن تحلّ محلّ مطلب إسبانيا بالانضمام إلى حلف شمال الأطلسي.",
        "ar",
    )
    assert ("Spain", "nato_membership", "support") in found, found
    assert ("Spain", "nato_membership", "oppose") not in found, found
    # right before the noun it still negates it: "no request of Spain"
    found = triples("Il n'y a aucune demande de l'Espagne d'adhérer à l'Otan.", "fr")
    assert ("Spain", "nato_membership", "support") not in found, found


def test_an_actor_that_modifies_the_proposal_is_no_holder():
    cases = [
        ("de", "Nato-Truppen in der Ukraine seien ein legitimes Ziel, sagte Peskow."),
        ("ar", "وقال بيسكوف إن قوات الناتو في أوكرانيا ستكون هدفا مشروعا."),
    ]
    for lang, text in cases:
        found = triples(text, lang)
        assert ("Dmitry Peskov", "ground_troops", "oppose") in found, (lang, found)
        assert ("NATO", "ground_troops", "oppose") not in found, (lang, found)


def test_two_actors_joined_by_a_comma_alone_are_no_list():
    found = triples(
        "Forte de la deuxième armée de l'OTAN après l'Espagne, la Turquie se dit prête à déployer"
        " des troupes en Ukraine.",
        "fr",
    )
    assert ("Turkey", "ground_troops", "support") in found, found
    assert ("Spain", "ground_troops", "support") not in found, found
    found = triples("Spain, Portugal and Italy said they were ready to send troops.", "en")
    assert {"Spain", "Portugal", "Italy"} <= {a for a, _, _ in found}, found


def test_a_german_zu_infinitive_has_no_subject_of_its_own():
    found = triples(
        "Spanien und Portugal kündigten an, die Ukraine weiterhin militärisch zu unterstützen.",
        "de",
    )
    assert {
        ("Spain", "military_aid", "support"),
        ("Portugal", "military_aid", "support"),
    } <= found, found
    assert ("Ukraine", "military_aid", "support") not in found, found


def test_a_russian_subject_or_agent_after_its_verb_holds():
    found = triples(
        "Декларацию о развертывании многонациональных сил в Украине подписали Испания и Португалия.",
        "ru",
    )
    assert {("Spain", "ground_troops", "support"), ("Portugal", "ground_troops", "support")} <= (
        found
    ), found
    # a dative after the verb is its object, not its subject
    found = triples("Поставить системы ПВО пообещали Испании.", "ru")
    assert not any(a == "Spain" for a, _, _ in found), found


def test_a_verb_coordinated_with_the_one_before_shares_its_subject():
    # No actor between "and" and the cue: the actor before "and" is the first verb's object.
    for text, language in (
        ("Spain hosted Portugal on Monday and ruled out sending troops to Ukraine.", "en"),
        ("L'Espagne a reçu le Portugal lundi et a exclu l'envoi de troupes en Ukraine.", "fr"),
        ("Испания приняла делегацию Португалии и исключила отправку войск на Украину.", "ru"),
        ("Іспанія прийняла делегацію Португалії і виключила відправку військ в Україну.", "uk"),
    ):
        found = triples(text, language)
        assert ("Spain", "ground_troops", "oppose") in found, (language, found)
        assert ("Portugal", "ground_troops", "oppose") not in found, (language, found)
    # An actor after "and" is the second verb's own subject.
    found = triples(
        "Spain hosted the talks and Portugal ruled out sending troops to Ukraine.", "en"
    )
    assert ("Portugal", "ground_troops", "oppose") in found
    assert ("Spain", "ground_troops", "oppose") not in found


def test_a_place_names_the_speaker_only_when_it_opens_the_sentence():
    # "В Вашингтоне заявили": Washington speaks for the United States.
    assert ("United States", "ground_troops", "oppose") in triples(
        "В Вашингтоне заявили, что не направят войска на Украину.", "ru"
    )
    # Deep inside the sentence "у Вашингтоні" is where the speaker was, not who spoke.
    for text, language in (
        (
            "Педро Санчес на зустрічі лідерів держав та урядів країн Європи у Вашингтоні заявив, "
            "що війська не будуть направлені в Україну.",
            "uk",
        ),
        (
            "Педро Санчес на встрече лидеров государств и правительств стран Европы в Вашингтоне "
            "заявил, что войска не будут направлены на Украину.",
            "ru",
        ),
    ):
        found = triples(text, language)
        assert ("Pedro Sánchez", "ground_troops", "oppose") in found, (language, found)
        assert not any(actor == "United States" for actor, _, _ in found), (language, found)


def test_an_english_possessive_owns_the_stance_noun_after_it():
    found = triples(
        "Portugal said that Spain's offer to send troops to Ukraine is not tenable.", "en"
    )
    assert ("Spain", "ground_troops", "support") in found
    assert ("Portugal", "ground_troops", "oppose") in found
    assert ("Spain", "ground_troops", "oppose") not in found


def test_french_ils_is_the_plural_pronoun_not_il():
    found = triples(
        "Pedro Sánchez et Luís Montenegro se sont rencontrés lundi. "
        "Ils veulent envoyer des troupes en Ukraine.",
        "fr",
    )
    assert ("Pedro Sánchez", "ground_troops", "support") in found
    assert ("Luís Montenegro", "ground_troops", "support") in found


def test_the_subject_before_an_apposition_reports():
    # The apposition between the subject and "said" names another actor, nearer the verb.
    text = (
        "Pedro Sánchez, who met the leaders of NATO member states in Madrid on Monday, said: "
        '"We will not send troops to Ukraine."'
    )
    found = triples(text, "en")
    assert ("Pedro Sánchez", "ground_troops", "oppose") in found
    assert ("NATO", "ground_troops", "oppose") not in found


def test_an_anaphor_before_its_cue_refers_back_to_the_proposal():
    found = triples(
        "Испания объявила о поставке систем ПВО Украине. "
        "Эта поставка была профинансирована Португалией.",
        "ru",
    )
    assert ("Portugal", "air_defense", "support") in found
    found = triples(
        "Spain proposed sending troops to Ukraine. This proposal was rejected by Portugal.", "en"
    )
    assert ("Portugal", "ground_troops", "oppose") in found


def test_a_pronoun_takes_the_subject_of_the_sentence_before():
    found = triples(
        "Pedro Sánchez spoke to reporters in Madrid, standing next to Luís Montenegro. "
        "He ruled out sending troops to Ukraine.",
        "en",
    )
    assert ("Pedro Sánchez", "ground_troops", "oppose") in found
    assert ("Luís Montenegro", "ground_troops", "oppose") not in found


def test_a_title_between_a_coordination_and_the_name_keeps_the_list():
    # "Macron and Ukrainian President Zelensky" after the cue: the title does not end the list.
    for text, language in (
        (
            "The security agreement was signed by Macron and Ukrainian President Volodymyr Zelensky.",
            "en",
        ),
        (
            "Соглашение о гарантиях безопасности подписали Макрон и президент Украины Владимир Зеленский.",
            "ru",
        ),
    ):
        found = triples(text, language)
        assert {
            ("Emmanuel Macron", "security_guarantee", "support"),
            ("Volodymyr Zelensky", "security_guarantee", "support"),
        } <= found, (language, found)
    # Arabic carries "and" on the title: "ماكرون والرئيس الأوكراني فولوديمير زيلينسكي"
    found = triples(
        "وافق ماكرون والرئيس الأوكراني فولوديمير زيلينسكي على إرسال قوات إلى أوكرانيا.", "ar"
    )
    assert ("Volodymyr Zelensky", "ground_troops", "support") in found, found
    # a cue is no title: the one after "and" is a second clause, not a second signatory
    found = triples("The security agreement was signed by Macron and opposed by Zelensky.", "en")
    assert ("Volodymyr Zelensky", "security_guarantee", "support") not in found, found


def test_a_german_subject_after_its_verb_may_be_a_list_of_examples():
    # V2: an adverb first, then the verb, then the subject, here "Länder wie" and its examples
    found = triples(
        "So lehnen es Länder wie Deutschland und die USA ab, in der derzeitigen Situation eine "
        "formelle Einladung zum Beitritt auszusprechen.",
        "de",
    )
    assert {
        ("Germany", "nato_membership", "oppose"),
        ("United States", "nato_membership", "oppose"),
    } <= found, found


def test_an_actor_right_after_a_stance_verb_is_its_object_not_a_later_subject():
    # English and French do not mark the object by case: the actor after "supply" or "fournir à"
    # receives the arms, and the later cue's holder is the clause's subject.
    found = triples(
        "Germany said it would supply Ukraine with Leopard 2 battle tanks and approve their delivery.",
        "en",
    )
    assert ("Germany", "military_aid", "support") in found
    assert not {t for t in found if t[0] == "Ukraine"}
    found = triples(
        "Le ministre italien a dit vouloir approvisionner l'Ukraine en armes et munitions nécessaires.",
        "fr",
    )
    assert not {t for t in found if t[0] == "Ukraine"}
    # A list of objects is skipped whole, not only its first member.
    found = triples(
        "Germany said it would supply Ukraine and Moldova with tanks and approve their delivery.",
        "en",
    )
    assert ("Germany", "military_aid", "support") in found
    assert not {t for t in found if t[0] in ("Ukraine", "Moldova")}
    # Before the verb the same actor is still the subject.
    assert ("Ukraine", "military_aid", "support") in triples(
        "Ukraine is ready to buy more tanks and welcomes their delivery.", "en"
    )


def test_the_subject_of_a_passive_undergoes_it_and_holds_nothing():
    found = triples(
        "Ukraine's defence will be backed by strong support, whereby military assistance is an "
        "integral part.",
        "en",
    )
    assert not {t for t in found if t[0] == "Ukraine"}
    found = triples(
        "Ukraine and Moldova will be backed by strong support, whereby military assistance is an "
        "integral part.",
        "en",
    )
    assert not {t for t in found if t[0] in ("Ukraine", "Moldova")}
    # The agent holds it, and a subject before an active verb still does.
    assert ("France", "ground_troops", "support") in triples(
        "The plan to send troops was backed by France.", "en"
    )
    assert ("Poland", "ground_troops", "support") in triples(
        "Poland backed the plan to send troops.", "en"
    )


def test_a_quote_is_what_was_said_not_who_said_it():
    # The actor inside a quote that closes before the reporting verb is no speaker of it.
    for text, language in (
        (
            "«Они вновь подчеркнули готовность развернуть силы сдерживания, чтобы помочь "
            "обезопасить Украину», — указали в сообщении.",
            "ru",
        ),
        (
            '"We are ready to send a reassurance force to help protect Ukraine," the statement said.',
            "en",
        ),
    ):
        found = triples(text, language)
        assert ("Ukraine", "ground_troops", "support") not in found, (language, found)


def test_an_explicit_plural_subject_is_nobody_named_before_when_no_group_was():
    # "They" cannot be the one person named earlier: with no group before it, it has no holder.
    found = triples(
        "Премьер-министр Великобритании Кир Стармер провёл онлайн-совещание. "
        "Они подчеркнули готовность развернуть силы сдерживания.",
        "ru",
    )
    assert not {t for t in found if t[0] == "Keir Starmer"}, found
    found = triples(
        "Ukrainian President Volodymyr Zelensky met reporters. They stressed that "
        "a reassurance force was ready to deploy.",
        "en",
    )
    assert not {t for t in found if t[0] == "Volodymyr Zelensky"}, found


def test_a_pronoun_reaches_its_person_through_an_earlier_pronoun():
    text = (
        "The statement was made by the head of Luxembourg diplomacy, Xavier Bettel, in Brussels."
        "\n\nThe diplomat said he does not support Ukraine's membership in the Alliance, citing "
        "the risk of new conflicts.\n\nIn addition, he emphasized "
        "that he does not support the idea of the introduction of Alliance troops into Ukraine."
    )
    assert ("Xavier Bettel", "ground_troops", "oppose") in triples(text, "en")


def test_they_inside_a_quote_is_not_its_speaker():
    # "They are ready", said the speaker: the readiness is theirs, whoever they are.
    found = triples(
        "Президент США Дональд Трамп дал интервью.\n\n«Они готовы разместить войска на "
        "земле», — заявил американский лидер.",
        "ru",
    )
    assert ("Donald Trump", "ground_troops", "support") not in found, found


def test_the_speaker_after_a_long_quote_is_looked_for_before_the_quote():
    # Direct speech of three sentences: whom "пояснив" means is named before it opens.
    text = (
        "Про це заявив президент США Дональд Трамп в інтерв'ю журналістам.\n\n"
        "– Коли йдеться про безпеку, ситуація складна. Ніхто не має таких речей. "
        "Ми готові допомогти у повітрі. Ніхто не має такої авіації, – пояснив американський "
        "президент."
    )
    assert ("Donald Trump", "air_support", "support") in triples(text, "uk")


def test_they_as_a_reporting_verbs_subject_is_not_the_quotes_speaker():
    text = (
        "Премьер-министр Великобритании Кир Стармер провёл онлайн-совещание.\n\n"
        "«Они вновь подчеркнули готовность развернуть силы сдерживания», — указали в сообщении."
    )
    found = triples(text, "ru")
    assert not {t for t in found if t[0] in ("Keir Starmer", "United Kingdom")}, found


def test_the_party_a_demand_is_made_of_holds_nothing():
    # "demanded that the alliance halt its expansion": the alliance is asked, not a holder.
    found = triples(
        "NATO leaders met in Vilnius. The Kremlin has again demanded that the alliance halt its "
        "eastward expansion.",
        "en",
    )
    assert found == {("Kremlin", "nato_membership", "oppose")}, found


def test_those_acting_together_with_the_subject_hold_its_stance():
    cases = (
        ("Italy, together with France, will send air defence systems to Ukraine.", "en"),
        ("Italy is poised to join forces with France and provide a missile defence system.", "en"),
        ("L'Italie, aux côtés de la France, va livrer des systèmes de défense aérienne.", "fr"),
        (
            "Pistorius kündigte gemeinsam mit Frankreich an, Flugabwehrsysteme an die Ukraine "
            "zu liefern.",
            "de",
        ),
    )
    for text, language in cases:
        found = triples(text, language)
        holders = {actor for actor, kind, stance in found if kind == "air_defense"}
        assert {"France"} < holders and not holders & {"Ukraine"}, (language, found)
        assert {stance for _, kind, stance in found if kind == "air_defense"} == {"support"}


def test_a_reporting_verbs_speaker_is_not_found_in_the_clause_it_reports():
    # After "заявив, що" stands what was said: "Україні" there is whom it concerns, not the speaker.
    cases = (
        (
            "Прем'єр Угорщини на саміті у Вашингтоні заявив, що Україні не варто вступати до НАТО.",
            "uk",
        ),
        (
            "Премьер Венгрии на саммите в Вашингтоне заявил, что Украине не стоит вступать в НАТО.",
            "ru",
        ),
    )
    for text, language in cases:
        assert triples(text, language) == {("Hungary", "nato_membership", "oppose")}, language


def test_the_actor_before_a_subject_relative_pronoun_is_its_clauses_subject():
    cases = (
        ("Erdogan spoke about France, which is considering sending troops to Ukraine.", "en"),
        ("Erdogan a parlé de la France, qui envisage d'envoyer des troupes en Ukraine.", "fr"),
        ("Erdogan sprach über Frankreich, das erwägt, Truppen in die Ukraine zu entsenden.", "de"),
        ("Эрдоган говорил о Франции, которая рассматривает отправку войск на Украину.", "ru"),
        ("Ердоган говорив про Францію, яка розглядає відправку військ в Україну.", "uk"),
    )
    for text, language in cases:
        assert triples(text, language) == {("France", "ground_troops", "considering")}, language
    # An object relative names its own subject, which holds the stance.
    found = triples(
        "Erdogan spoke about France, which Britain is considering joining with troops.", "en"
    )
    assert found == {("United Kingdom", "ground_troops", "considering")}, found
    # An example is not the subject: the head it illustrates is.
    found = triples(
        "They met the European allies, such as Britain and France, who are considering creating "
        "a European force.",
        "en",
    )
    assert found == {("European countries", "ground_troops", "considering")}, found


def test_a_verb_completing_an_owned_stance_noun_is_the_owners():
    # "Poland's offer to send": sending is what Poland offers, whatever the clause says of the offer.
    from tracker.nlp.pipeline import _analyse
    from tracker.nlp.resources import default_resources

    cases = (
        (
            "The Pentagon said that Poland's offer to send fighter jets is not tenable.",
            "en",
            "send",
        ),
        (
            "Le Pentagone a jugé que la proposition de la Pologne d'envoyer des avions de combat "
            "n'était pas tenable.",
            "fr",
            "envoyer",
        ),
    )
    for text, language, verb in cases:
        rules = _analyse(text, language, None, default_resources())
        holders = {
            holder.actors
            for pairing, holder in rules.pairings
            if pairing.cue.payload[2] == verb and holder is not None
        }
        assert holders == {("Poland",)}, (language, holders)
        assert ("Pentagon", "military_aid", "oppose") in triples(text, language)


def test_an_actor_after_a_preposition_and_that_opens_a_clause():
    # "إلى أن" is "(pointing) to that": the actor after it is the clause's subject, not a place.
    text = "وقال ترامب مشيرا إلى أن الولايات المتحدة قد تقدم دعما جويا لأوكرانيا."
    assert ("United States", "air_support", "considering") in triples(text, "ar")


def test_a_relative_clause_in_an_oblique_case_is_not_the_clause_befores():
    cases = (
        (
            "Стив Уиткофф покинул мероприятие, на котором обсуждалась отправка войск на Украину.",
            "ru",
        ),
        ("Стів Віткофф залишив захід, на якому обговорювали відправку військ в Україну.", "uk"),
    )
    for text, language in cases:
        found = triples(text, language)
        assert not {t for t in found if t[0] == "Steve Witkoff"}, (language, found)


def test_a_german_actor_after_the_proposal_and_its_genitive_article_holds_nothing():
    found = triples("Hegseth sagte, die Nato-Mitgliedschaft der Ukraine sei nicht möglich.", "de")
    assert found == {("Pete Hegseth", "nato_membership", "oppose")}, found
