--
-- PostgreSQL database dump
--

\restrict ZCN1LHqgwRpjFRFELsTYlxxqugycsLoErkhgdJbhYIHmpSt6WxvfZBq2mUpIQyT

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: node; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.node (
    nid bigint,
    vid bigint,
    type text,
    language text,
    title text,
    uid bigint,
    status bigint,
    created bigint,
    changed bigint,
    comment bigint,
    promote bigint,
    moderate bigint,
    sticky bigint,
    tnid bigint,
    translate bigint
);


ALTER TABLE public.node OWNER TO postgres;

--
-- Name: og; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.og (
    nid bigint,
    og_selective bigint,
    og_description text,
    og_theme text,
    og_register bigint,
    og_directory bigint,
    og_language text,
    og_private bigint
);


ALTER TABLE public.og OWNER TO postgres;

--
-- Name: og_uid; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.og_uid (
    nid bigint,
    og_role bigint,
    is_active bigint,
    is_admin bigint,
    uid bigint,
    created bigint,
    changed bigint
);


ALTER TABLE public.og_uid OWNER TO postgres;

--
-- Name: term_node; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.term_node (
    nid bigint,
    vid bigint,
    tid bigint
);


ALTER TABLE public.term_node OWNER TO postgres;

--
-- Name: users; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.users (
    uid bigint,
    name text,
    pass text,
    mail text,
    mode bigint,
    sort bigint,
    threshold bigint,
    theme text,
    signature text,
    signature_format bigint,
    created bigint,
    access bigint,
    login bigint,
    status bigint,
    timezone text,
    language text,
    picture text,
    init text,
    data text
);


ALTER TABLE public.users OWNER TO postgres;

--
-- Data for Name: node; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.node (nid, vid, type, language, title, uid, status, created, changed, comment, promote, moderate, sticky, tnid, translate) FROM stdin;
5	5	group		Community Garden Volunteers	1	1	1230800000	1262300000	2	0	0	0	0	0
8	9	group		Saturday Morning Volunteers at the Riverside Café Kitchen	2	1	1233500000	1262300000	2	0	0	0	0	0
\.


--
-- Data for Name: og; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.og (nid, og_selective, og_description, og_theme, og_register, og_directory, og_language, og_private) FROM stdin;
5	0	A group of the Riverside network.\tTabs and \\ backslashes		1	1		0
8	0	A group of the Riverside network.\tTabs and \\ backslashes		1	1		0
\.


--
-- Data for Name: og_uid; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.og_uid (nid, og_role, is_active, is_admin, uid, created, changed) FROM stdin;
5	0	1	1	1	1231116623	1231116623
5	0	1	0	2	1232262842	1232262842
5	0	0	0	3	1232840489	1232840489
5	0	1	0	4	1234704010	1234704010
8	0	1	1	2	1236582653	1236582653
8	0	1	0	5	1236804776	1236804776
8	0	0	0	6	1238215797	1238215797
8	0	1	0	77	1240220955	1240220955
\.


--
-- Data for Name: term_node; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.term_node (nid, vid, tid) FROM stdin;
5	5	1
8	9	2
\.


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.users (uid, name, pass, mail, mode, sort, threshold, theme, signature, signature_format, created, access, login, status, timezone, language, picture, init, data) FROM stdin;
0				0	0	0			0	0	0	0	0					
1	admin	2c6da568fc2aacb84b2dc7ef084e912b	webmaster@example.org	0	0	0			0	1230768000	1253059200	1253059170	1	3600			webmaster@example.org	a:1:{s:13:"form_build_id";s:37:"form-7074cb8d2708ab11e5bacdfba332f89c";}
2	msmith	da0b28a79735de1feb545c720ef0079c	mary.smith@example.org	0	0	0			0	1233446400	1239148800	1239148770	1	3600			mary.smith@example.org	a:1:{s:13:"form_build_id";s:37:"form-dff3a9701e4f95fc43720ed7c7e7bdfb";}
3	jmuller	c74547d12303697d0f65a2ea76bd9096	jose.muller@example.com	0	0	0			0	1235865600	1254268800	1254268770	1	3600			jose.muller@example.com	a:1:{s:13:"form_build_id";s:37:"form-46195f6e0c36bc7aecc02bb3ce2fdcbb";}
4	tbaker	d15819e5c3650ec8ab23a4509474e0c4	tom.baker@example.org	0	0	0			0	1238544000	1260662400	1260662370	0	3600			tom.baker@example.org	a:1:{s:13:"form_build_id";s:37:"form-5a479d9263b2a0dd54f387084206b95e";}
5	hzhang	a1da68fbeb32a2d934ae60413f4d2d72	helen.zhang@example.org	0	0	0			0	1241136000	1254960000	1254959970	1	3600			helen.zhang@example.org	a:1:{s:13:"form_build_id";s:37:"form-c4b069c475a0fa5ad5efbce03a04783e";}
6	samlee	f698cc97fbd59faf44a72786e8da7235	sam.lee@example.com	0	0	0			0	1243814400	1255564800	1255564770	1	3600			sam.lee@example.com	a:1:{s:13:"form_build_id";s:37:"form-c56b1834260197a326547878aed31cc9";}
\.


--
-- PostgreSQL database dump complete
--

\unrestrict ZCN1LHqgwRpjFRFELsTYlxxqugycsLoErkhgdJbhYIHmpSt6WxvfZBq2mUpIQyT

