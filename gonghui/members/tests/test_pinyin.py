"""Search fields of a name: the fast paths of name_syllables (pinyin) and name_grams must
agree with the general rules (lazy_pinyin, character by character)."""

import random

from hypothesis import given
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from gonghui.members.services import name_grams, name_pinyin, name_syllables

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程单朴仇解区查乐"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅志海燕文辉鹏飞长江行重乐和发都调会"
)


def test_common_and_polyphonic_names_read_as_lazy_pinyin():
    rng = random.Random(7)
    names = [
        rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 3)))
        for _ in range(20_000)
    ]
    names += [
        "单雄信",
        "曾国藩",
        "王长江",
        "张行长",
        "李重庆",
        "乐和",
        "解放",
        "Anna张",
        "张·三",
        "阿卜杜拉·买买提",
    ]
    for name in names:
        assert name_syllables(name) == lazy_pinyin(name), name


@given(st.text(alphabet=SURNAMES + GIVEN + "·ab 1Ａ", min_size=1, max_size=8))
def test_any_mix_of_characters_reads_as_lazy_pinyin(name):
    assert name_syllables(name) == lazy_pinyin(name)


def test_name_pinyin_uses_the_phrase_reading_inside_a_name():
    assert name_pinyin("王长江") == ("wangchangjiang", "wcj")
    assert name_pinyin("张三") == ("zhangsan", "zs")


def _grams_char_by_char(name: str) -> str:
    singles = [c for c in name if not c.isspace()]
    pairs = [
        name[i : i + 2]
        for i in range(len(name) - 1)
        if not (name[i].isspace() or name[i + 1].isspace())
    ]
    return " ".join(dict.fromkeys(singles + pairs))


@given(st.text(alphabet=SURNAMES + GIVEN + " ·\u3000\t", max_size=8))
def test_name_grams_fast_path_matches_the_character_by_character_rule(name):
    assert name_grams(name) == _grams_char_by_char(name)


def test_name_grams_of_common_names():
    assert name_grams("张三丰") == "张 三 丰 张三 三丰"
    assert name_grams("王王") == "王 王王"
    assert name_grams("阿 布") == "阿 布"
