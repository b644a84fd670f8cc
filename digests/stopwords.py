"""Hindi function words: where a noun phrase or a name stops.

A small hand-kept list (postpositions, auxiliaries, pronouns, conjunctions and the most
frequent light verbs) rather than a general stopword package: fact patterns only need to
know where "20 भारतीय नागरिकों का" stops, and the spaCy/stopwordsiso lists miss वो/ये/उन्होंने.
"""

from __future__ import annotations

from digests.normalize import fold_nukta


def word_set(text: str) -> frozenset[str]:
    """Whitespace-separated words, nukta-folded: the form every word list is compared in."""
    return frozenset(fold_nukta(w) for w in text.split())


POSTPOSITIONS = word_set(
    """
    का की के को में से पर ने तक लिए द्वारा साथ बाद पहले बीच जरिए ज़रिए ओर तरफ़ तरफ
    मुताबिक अनुसार हवाले बारे भीतर अंदर बाहर ऊपर नीचे पास खिलाफ़ खिलाफ विरुद्ध समेत सहित
    वाले वाली वाला
    """
)

AUXILIARIES = word_set(
    """
    है हैं था थी थे थीं हो होगा होगी होंगे होता होती होते हुआ हुई हुए हुईं रहा रही रहे
    गया गई गए गईं गयी गये किया किए किये की दी दिया दिए दिये लिया लिए ली कर करके करने
    करना करता करती करते करेगा करेगी करेंगे कहा कहे कहना बताया बताते सकता सकती सकते सका
    सकी सके चुका चुकी चुके जा जाता जाती जाते जाएगा जाएगी जाएंगे जाना आया आई आए पाया
    मिला मिली मिले दर्ज शामिल जारी होने होना रहने रहना जाने देने लेने पड़ा पड़ी पड़े
    """
)

PRONOUNS = word_set(
    """
    मैं मैंने हम हमने हमें हमारा हमारी हमारे तुम आप आपने आपका आपकी यह ये वह वो वे इस उस
    इन उन इसे उसे इन्हें उन्हें इसने उसने इन्होंने उन्होंने इसका इसकी इसके उसका उसकी उसके
    इनका इनकी इनके उनका उनकी उनके जो जिस जिसे जिन जिन्होंने जिनकी जिनके कोई कुछ किसी
    सभी सब अपना अपनी अपने खुद स्वयं
    """
)

CONJUNCTIONS = word_set(
    """
    और एवं तथा व या अथवा लेकिन परंतु परन्तु किंतु मगर कि तो भी ही न नहीं ना अगर यदि जब
    तब क्योंकि इसलिए ताकि जबकि बल्कि फिर अब एक दो
    """
)

STOPWORDS = POSTPOSITIONS | AUXILIARIES | PRONOUNS | CONJUNCTIONS


def is_stopword(word: str) -> bool:
    """Whether a token is a function word (nukta-insensitive)."""
    return fold_nukta(word) in STOPWORDS
