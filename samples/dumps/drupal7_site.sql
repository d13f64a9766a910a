/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: d7site
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `drupal_field_data_group_group`
--

DROP TABLE IF EXISTS `drupal_field_data_group_group`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_field_data_group_group` (
  `entity_type` varchar(255) DEFAULT NULL,
  `bundle` varchar(255) DEFAULT NULL,
  `deleted` int(11) DEFAULT NULL,
  `entity_id` int(11) DEFAULT NULL,
  `revision_id` int(11) DEFAULT NULL,
  `language` varchar(255) DEFAULT NULL,
  `delta` int(11) DEFAULT NULL,
  `group_group_value` int(11) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_field_data_group_group`
--

LOCK TABLES `drupal_field_data_group_group` WRITE;
/*!40000 ALTER TABLE `drupal_field_data_group_group` DISABLE KEYS */;
INSERT INTO `drupal_field_data_group_group` VALUES
('node','group',0,5,5,'und',0,1),
('node','group',0,8,8,'und',0,1),
('node','group',0,12,13,'und',0,1),
('node','group',0,15,17,'und',0,1);
/*!40000 ALTER TABLE `drupal_field_data_group_group` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `drupal_node`
--

DROP TABLE IF EXISTS `drupal_node`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_node` (
  `nid` int(11) DEFAULT NULL,
  `vid` int(11) DEFAULT NULL,
  `type` varchar(255) DEFAULT NULL,
  `language` varchar(255) DEFAULT NULL,
  `title` varchar(255) DEFAULT NULL,
  `uid` int(11) DEFAULT NULL,
  `status` int(11) DEFAULT NULL,
  `created` int(11) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_node`
--

LOCK TABLES `drupal_node` WRITE;
/*!40000 ALTER TABLE `drupal_node` DISABLE KEYS */;
INSERT INTO `drupal_node` VALUES
(5,5,'group','und','Community Garden Volunteers ',1,1,1388650000),
(8,8,'group','und','Saturday Morning Volunteers at the Riverside Café Kitchen',2,1,1391500000),
(12,13,'group','und','Riverside Tenants and Residents Association Committee (North Block)',1,1,1420200000),
(15,17,'group','und','Riverside Tenants and Residents Association Committee (South Block)',11,1,1483300000);
/*!40000 ALTER TABLE `drupal_node` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `drupal_og_membership`
--

DROP TABLE IF EXISTS `drupal_og_membership`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_og_membership` (
  `id` int(11) DEFAULT NULL,
  `type` varchar(255) DEFAULT NULL,
  `etid` int(11) DEFAULT NULL,
  `entity_type` varchar(255) DEFAULT NULL,
  `gid` int(11) DEFAULT NULL,
  `group_type` varchar(255) DEFAULT NULL,
  `state` int(11) DEFAULT NULL,
  `created` int(11) DEFAULT NULL,
  `field_name` varchar(255) DEFAULT NULL,
  `language` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_og_membership`
--

LOCK TABLES `drupal_og_membership` WRITE;
/*!40000 ALTER TABLE `drupal_og_membership` DISABLE KEYS */;
INSERT INTO `drupal_og_membership` VALUES
(1,'og_membership_type_default',1,'user',5,'node',1,1391356011,'og_user_node','en'),
(2,'og_membership_type_default',2,'user',5,'node',1,1393555716,'og_user_node','en'),
(3,'og_membership_type_default',3,'user',5,'node',2,1393895897,'og_user_node','en'),
(4,'og_membership_type_default',5,'user',5,'node',1,1394178824,'og_user_node','en'),
(5,'og_membership_type_default',21,'node',5,'node',1,1397017356,'og_group_ref','en'),
(6,'og_membership_type_default',8,'user',5,'node',1,1398844592,'og_user_node','en'),
(7,'og_membership_type_default',9,'user',5,'node',1,1399849126,'og_user_node','en'),
(8,'og_membership_type_default',42,'user',5,'node',1,1403177809,'og_user_node','en'),
(9,'og_membership_type_default',2,'user',8,'node',1,1404254234,'og_user_node','en'),
(10,'og_membership_type_default',4,'user',8,'node',1,1407524406,'og_user_node','en'),
(11,'og_membership_type_default',6,'user',8,'node',1,1409271018,'og_user_node','en'),
(12,'og_membership_type_default',7,'user',8,'node',2,1411059848,'og_user_node','en'),
(13,'og_membership_type_default',10,'user',8,'node',1,1413649961,'og_user_node','en'),
(14,'og_membership_type_default',12,'user',8,'node',3,1416537063,'og_user_node','en'),
(15,'og_membership_type_default',22,'node',8,'node',1,1418845851,'og_group_ref','en'),
(16,'og_membership_type_default',11,'user',12,'node',1,1418983565,'og_user_node','en'),
(17,'og_membership_type_default',13,'user',12,'node',1,1420001211,'og_user_node','en'),
(18,'og_membership_type_default',11,'user',15,'node',1,1422979526,'og_user_node','en'),
(19,'og_membership_type_default',14,'user',15,'node',2,1424226653,'og_user_node','en'),
(20,'og_membership_type_default',3,'user',15,'node',1,1426014926,'og_user_node','en'),
(21,'og_membership_type_default',2,'user',99,'node',1,1426120708,'og_user_node','en'),
(22,'og_membership_type_default',23,'node',12,'node',1,1426483341,'og_group_ref','en');
/*!40000 ALTER TABLE `drupal_og_membership` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `drupal_og_role`
--

DROP TABLE IF EXISTS `drupal_og_role`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_og_role` (
  `rid` int(11) DEFAULT NULL,
  `gid` int(11) DEFAULT NULL,
  `group_type` varchar(255) DEFAULT NULL,
  `group_bundle` varchar(255) DEFAULT NULL,
  `name` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_og_role`
--

LOCK TABLES `drupal_og_role` WRITE;
/*!40000 ALTER TABLE `drupal_og_role` DISABLE KEYS */;
INSERT INTO `drupal_og_role` VALUES
(1,0,'node','group','non-member'),
(2,0,'node','group','member'),
(3,0,'node','group','administrator member');
/*!40000 ALTER TABLE `drupal_og_role` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `drupal_og_users_roles`
--

DROP TABLE IF EXISTS `drupal_og_users_roles`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_og_users_roles` (
  `uid` int(11) DEFAULT NULL,
  `rid` int(11) DEFAULT NULL,
  `gid` int(11) DEFAULT NULL,
  `group_type` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_og_users_roles`
--

LOCK TABLES `drupal_og_users_roles` WRITE;
/*!40000 ALTER TABLE `drupal_og_users_roles` DISABLE KEYS */;
INSERT INTO `drupal_og_users_roles` VALUES
(1,3,5,'node'),
(2,3,8,'node'),
(11,3,12,'node'),
(3,2,15,'node');
/*!40000 ALTER TABLE `drupal_og_users_roles` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `drupal_shortcut_set_users`
--

DROP TABLE IF EXISTS `drupal_shortcut_set_users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_shortcut_set_users` (
  `uid` int(11) DEFAULT NULL,
  `set_name` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_shortcut_set_users`
--

LOCK TABLES `drupal_shortcut_set_users` WRITE;
/*!40000 ALTER TABLE `drupal_shortcut_set_users` DISABLE KEYS */;
INSERT INTO `drupal_shortcut_set_users` VALUES
(1,'shortcut-set-2'),
(2,'shortcut-set-2');
/*!40000 ALTER TABLE `drupal_shortcut_set_users` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `drupal_users`
--

DROP TABLE IF EXISTS `drupal_users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_users` (
  `uid` int(11) DEFAULT NULL,
  `name` varchar(255) DEFAULT NULL,
  `pass` varchar(255) DEFAULT NULL,
  `mail` varchar(255) DEFAULT NULL,
  `theme` varchar(255) DEFAULT NULL,
  `signature` varchar(255) DEFAULT NULL,
  `signature_format` varchar(255) DEFAULT NULL,
  `created` int(11) DEFAULT NULL,
  `access` int(11) DEFAULT NULL,
  `login` int(11) DEFAULT NULL,
  `status` int(11) DEFAULT NULL,
  `timezone` varchar(255) DEFAULT NULL,
  `language` varchar(255) DEFAULT NULL,
  `picture` int(11) DEFAULT NULL,
  `init` varchar(255) DEFAULT NULL,
  `data` longblob DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_users`
--

LOCK TABLES `drupal_users` WRITE;
/*!40000 ALTER TABLE `drupal_users` DISABLE KEYS */;
INSERT INTO `drupal_users` VALUES
(0,'','','','','','',0,0,0,0,'','',0,'',''),
(1,'admin','$S$DXW3.Csua/Cwq/a.vZSspN8wNDQhdt7/XJrl4lO/tqHCPcfRaRtJ','webmaster@example.org','','','filtered_html',1388563200,1454832000,1454831940,1,'Europe/London','en',0,'webmaster@example.org',0x613A323A7B733A373A22636F6E74616374223B693A313B733A373A226F7665726C6179223B693A313B7D),
(2,'msmith','$S$DLiv4qRYm.fvrLbu7ohNUB7FmQ3vE/ir0yFCYAu/aAV3EJTKri5y','mary.smith@example.org','','Mary Smith, Garden coordinator','filtered_html',1391439812,1434899012,1434898952,1,'Europe/London','en',0,'mary.smith@example.org',0x613A333A7B733A373A22636F6E74616374223B693A313B733A31373A226D696D656D61696C5F746578746F6E6C79223B693A303B733A333A2262696F223B733A38323A2248692C2049276D204D61727920224D61652220536D6974682C2067617264656E20636F6F7264696E61746F722E0A41736B206D652061626F757420636F6D706F73742C207365656473202620726F7461732E223B7D),
(3,'jmuller','$S$DX3fbNzaipmw.nUWBZf/HCYy/7e1Mvfc2La4HYCm79GN5Xxn5ULd',' Jose.Muller@Example.COM ','','','filtered_html',1402912345,1426153945,1426153885,1,'Europe/London','',0,'jose.muller@example.com',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(4,'ppatel','$S$DKyDrtLeT7b/IxOzQG/YPgMKdx.AO2raSWwev2LefUTZRCxtloMh','ppatel@riverside.example.org','','','filtered_html',1415801234,1486735634,1486735574,1,'Europe/London','en',0,'ppatel@riverside.example.org',0x613A313A7B733A373A22636F6E74616374223B693A303B7D),
(5,'tbaker','$S$D9J4bZqrWJI7w0wMqlL80RGVc8809V72TQdqkAFqtlKwvZ4zVL2V','tom.baker@example.org','','','filtered_html',1420113600,1464955200,1464955140,0,'Europe/London','en',0,'tom.baker@example.org',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(6,'old_volunteer','$S$D0pv/z91fVIL8BMOmV/OW728Bs29iTiPGkwrqn/eh37rDOiTHsAP','','','','filtered_html',1422700000,1444732000,1444731940,1,'Europe/London','',0,'',''),
(7,'kobrien','$S$DQT8eOFOr5cBIilq5HnmKDNc63etdW/47jmdNso6uMSRhq96SDuu','kevin.obrien.example.org','','','filtered_html',1433160000,1506859200,1506859140,1,'Europe/London','en',0,'kevin.obrien.example.org',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(8,'samlee','$S$D.0e9e7DZy3sTB/mqDQcDr2ZUDxd9QrSSH7Jp8VorNB8zueNcryw','sam.lee@example.com','','','filtered_html',1446336000,1512086400,1512086340,1,'Europe/London','en',0,'sam.lee@example.com',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(9,'Sam Lee','$S$DQHoDiNk4PRt1Dkzbg3Z9quyf1sfTInJjPWNcTvqzF0eJseMwo1z','Sam.Lee@Example.com','','','filtered_html',1459468800,1504224000,1504223940,1,'Europe/London','',0,'Sam.Lee@Example.com',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(10,'rob brown','$S$D0RKlqDSBjRcRL.83jzL10xoYVivNND13ERXPHgPMw38WsQWk.Gg','rob.brown@example.com','','','filtered_html',1472688000,1527552000,1527551940,1,'Europe/London','en',0,'rob.brown@example.com',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(11,'robertb','$S$Dgixv8dVExmmzvFUlfMeJndoCKlxdCIO5WM/tstvIIsSwn3VYfdU','robert.brown@example.net','','','filtered_html',1483228800,1543363200,1543363140,1,'Europe/London','en',0,'rob.brown@example.com',0x613A323A7B733A373A22636F6E74616374223B693A313B733A373A226F7665726C6179223B693A303B7D),
(12,'ctaylor','$S$DwnpBeGYcDyRhvry8MW8VWQ6ibnwuS3v105p51G2cTtxyGclvBEJ','chris.taylor@example.org','','','filtered_html',1496275200,1571788800,1571788740,1,'Europe/London','',0,'chris.taylor@example.org',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(13,'greenvalley','$S$DNbXgjDtoYOXG94JiXnRtpEfgN0muncyz0mr7FeNhkB7HOWTC/Ra','info@greenvalley.example.org','','','filtered_html',1509494400,1537920000,1537919940,1,'Europe/London','en',0,'info@greenvalley.example.org',0x613A313A7B733A373A22636F6E74616374223B693A303B7D),
(14,'ngozi','$S$DPLxRqGcnGC/Nor1ZKTmLErdXULtcx0hxjvQQe/ilJYf9FX.bxk8','ngozi.okafor@example.com','','','filtered_html',1522540800,1567468800,1567468740,1,'Europe/London','en',0,'ngozi.okafor@example.com',0x613A313A7B733A373A22636F6E74616374223B693A313B7D),
(15,'priya','$S$DCMoAmUqoU3AW.0DjMCzLgMz86ZciyAADPR6sTWPDygq1Tbm36qN','priya.patel@example.net','','','filtered_html',1535760000,1547683200,1547683140,1,'Europe/London','',0,'priya.patel@example.net',0x613A313A7B733A373A22636F6E74616374223B693A313B7D);
/*!40000 ALTER TABLE `drupal_users` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `drupal_watchdog`
--

DROP TABLE IF EXISTS `drupal_watchdog`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `drupal_watchdog` (
  `wid` int(11) DEFAULT NULL,
  `uid` int(11) DEFAULT NULL,
  `type` varchar(255) DEFAULT NULL,
  `message` varchar(255) DEFAULT NULL,
  `variables` varchar(255) DEFAULT NULL,
  `severity` int(11) DEFAULT NULL,
  `location` varchar(255) DEFAULT NULL,
  `hostname` varchar(255) DEFAULT NULL,
  `timestamp` int(11) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `drupal_watchdog`
--

LOCK TABLES `drupal_watchdog` WRITE;
/*!40000 ALTER TABLE `drupal_watchdog` DISABLE KEYS */;
INSERT INTO `drupal_watchdog` VALUES
(1,1,'user','Session opened for %name.','a:1:{s:5:\"%name\";s:5:\"admin\";}',5,'https://riverside.example.org/user/login?destination=node/5;edit','203.0.113.7',1454831940),
(2,0,'php','Notice: Undefined index: it\'s in \"include()\" (line 12 of /var/www/sites/all/modules/og/og.module).\nBacktrace','N;',5,'https://riverside.example.org/node/8','198.51.100.23',1454832000);
/*!40000 ALTER TABLE `drupal_watchdog` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-12-05 23:27:06
