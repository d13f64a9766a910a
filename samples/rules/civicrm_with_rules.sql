/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: civicrm
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES latin1 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `civicrm_contact`
--

DROP TABLE IF EXISTS `civicrm_contact`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `civicrm_contact` (
  `id` int(11) DEFAULT NULL,
  `contact_type` varchar(255) DEFAULT NULL,
  `contact_sub_type` varchar(255) DEFAULT NULL,
  `do_not_email` int(11) DEFAULT NULL,
  `is_opt_out` int(11) DEFAULT NULL,
  `external_identifier` varchar(255) DEFAULT NULL,
  `sort_name` varchar(255) DEFAULT NULL,
  `display_name` varchar(255) DEFAULT NULL,
  `first_name` varchar(255) DEFAULT NULL,
  `middle_name` varchar(255) DEFAULT NULL,
  `last_name` varchar(255) DEFAULT NULL,
  `household_name` varchar(255) DEFAULT NULL,
  `organization_name` varchar(255) DEFAULT NULL,
  `is_deleted` int(11) DEFAULT NULL,
  `created_date` varchar(255) DEFAULT NULL,
  `modified_date` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `civicrm_contact`
--

LOCK TABLES `civicrm_contact` WRITE;
/*!40000 ALTER TABLE `civicrm_contact` DISABLE KEYS */;
INSERT INTO `civicrm_contact` (`id`, `contact_type`, `contact_sub_type`, `do_not_email`, `is_opt_out`, `external_identifier`, `sort_name`, `display_name`, `first_name`, `middle_name`, `last_name`, `household_name`, `organization_name`, `is_deleted`, `created_date`, `modified_date`) VALUES (1,'Organization','',0,0,'','Riverside Community Network','Riverside Community Network','','','','','Riverside Community Network',0,'2019-02-11 10:01:00','2024-02-01 12:00:00'),
(2,'Individual','',0,0,'','Kowalski, Anna','Anna Kowalski','Anna','','Kowalski','','',0,'2019-03-12 10:02:00','2024-02-01 12:00:00'),
(3,'Individual','',0,0,'MEM-0003','Smith, Mary','Mary Smith','Mary','','Smith','','',0,'2019-04-13 10:03:00','2024-02-01 12:00:00'),
(4,'Individual','',0,0,'MEM-0004','Müller, José','José Müller','José','','Müller','','',0,'2019-05-14 10:04:00','2024-02-01 12:00:00'),
(5,'Individual','',0,0,'','Patel, Priya','Priya Patel','Priya','','Patel','','',0,'2019-06-15 10:05:00','2024-02-01 12:00:00'),
(6,'Individual','',0,0,'MEM-0006','Baker, Tom','Tom Baker','Tom','','Baker','','',0,'2019-07-16 10:06:00','2024-02-01 12:00:00'),
(7,'Organization','',0,0,'','Green Valley Food Co-op','Green Valley Food Co-op','','','','','Green Valley Food Co-op',0,'2019-08-17 10:07:00','2024-02-01 12:00:00'),
(8,'Household','',0,0,'','Okafor Household','Okafor Household','','','','Okafor Household','',0,'2019-09-18 10:08:00','2024-02-01 12:00:00'),
(9,'Individual','',0,0,'','Brown, Robert','Robert Brown','Robert','','Brown','','',0,'2019-01-19 10:09:00','2024-02-01 12:00:00'),
(10,'Individual','',0,0,'','Taylor, Chris','Chris Taylor','Chris','','Taylor','','',0,'2019-02-10 10:10:00','2024-02-01 12:00:00'),
(11,'Individual','',0,0,'','Okafor, Ngozi','Ngozi Okafor','Ngozi','','Okafor','','',1,'2019-03-11 10:11:00','2024-02-01 12:00:00'),
(12,'Individual','',0,0,'','Taylor, Christopher','Christopher Taylor','Christopher','','Taylor','','',0,'2019-04-12 10:12:00','2024-02-01 12:00:00'),
(13,'Individual','',0,0,'MEM-0013','Zhang, Helen','Helen Zhang','Helen','','Zhang','','',0,'2019-05-13 10:13:00','2024-02-01 12:00:00'),
(14,'Individual','',0,0,'','O\'Brien, Kevin','Kevin O\'Brien','Kevin','','O\'Brien','','',0,'2019-06-14 10:14:00','2024-02-01 12:00:00'),
(15,'Individual','',0,0,'','Brown, Rob','Rob Brown','Rob','','Brown','','',0,'2019-07-15 10:15:00','2024-02-01 12:00:00'),
(16,'Individual','',0,0,'','D’Souza-Lamb, Zoë','Zoë D’Souza-Lamb','Zoë','','D’Souza-Lamb','','',0,'2019-08-16 10:16:00','2024-02-01 12:00:00'),
(17,'Individual','',0,0,'','treasurer@riverside-tenants.example.org','treasurer@riverside-tenants.example.org','','','','','',0,'2019-09-17 10:17:00','2024-02-01 12:00:00'),
(18,'Individual','',0,0,'','Fischer, Walter','Walter Fischer','Walter','','Fischer','','',0,'2019-01-18 10:18:00','2024-02-01 12:00:00'),
(19,'Individual','',0,0,'','van  der Berg, Anne-Marie','Anne-Marie van  der Berg','Anne-Marie','','van  der Berg','','',0,'2019-02-19 10:19:00','2024-02-01 12:00:00');
/*!40000 ALTER TABLE `civicrm_contact` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `civicrm_email`
--

DROP TABLE IF EXISTS `civicrm_email`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `civicrm_email` (
  `id` int(11) DEFAULT NULL,
  `contact_id` int(11) DEFAULT NULL,
  `location_type_id` int(11) DEFAULT NULL,
  `email` varchar(255) DEFAULT NULL,
  `is_primary` int(11) DEFAULT NULL,
  `is_billing` int(11) DEFAULT NULL,
  `on_hold` int(11) DEFAULT NULL,
  `is_bulkmail` int(11) DEFAULT NULL,
  `hold_date` varchar(255) DEFAULT NULL,
  `reset_date` varchar(255) DEFAULT NULL,
  `signature_text` varchar(255) DEFAULT NULL,
  `signature_html` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `civicrm_email`
--

LOCK TABLES `civicrm_email` WRITE;
/*!40000 ALTER TABLE `civicrm_email` DISABLE KEYS */;
INSERT INTO `civicrm_email` (`id`, `contact_id`, `location_type_id`, `email`, `is_primary`, `is_billing`, `on_hold`, `is_bulkmail`, `hold_date`, `reset_date`, `signature_text`, `signature_html`) VALUES (1,1,3,'info@riverside.example.org',1,0,0,0,'','','',''),
(2,1,5,'accounts@riverside.example.org',0,1,0,0,'','','',''),
(3,2,1,'anna.kowalski@example.org',1,0,0,0,'','','',''),
(4,3,1,'mary.smith@example.org',1,0,0,0,'','','',''),
(5,4,1,'jose.muller@example.com',1,0,0,0,'','','',''),
(6,5,1,'priya.patel@example.net',1,0,0,0,'','','',''),
(7,5,2,'ppatel@riverside.example.org',0,0,0,0,'','','',''),
(8,6,1,'tom.baker@example.org',1,0,0,0,'','','',''),
(9,7,2,'info@greenvalley.example.org',1,0,0,0,'','','',''),
(10,8,1,'ngozi.okafor@example.com',1,0,0,0,'','','',''),
(11,9,1,'rob.brown@example.com',1,0,0,0,'','','',''),
(12,10,1,'chris.t@example.net',1,0,0,0,'','','',''),
(13,10,2,'chris.taylor@example.org',0,0,0,0,'','','',''),
(14,11,1,'ngozi.okafor@example.com',1,0,0,0,'','','',''),
(15,12,1,'chris.taylor@example.org',1,0,0,0,'','','',''),
(16,13,1,'helen.zhang@example.org',1,0,0,0,'','','',''),
(17,14,2,'kevin.obrien@example.org',1,0,0,0,'','','',''),
(18,15,2,'rbrown@greenvalley.example.org',1,0,0,0,'','','',''),
(19,16,1,'zoe.dsouza@example.org',1,0,0,0,'','','',''),
(20,17,2,'treasurer@riverside-tenants.example.org',1,0,0,0,'','','',''),
(21,19,1,'amvdberg@example.nl',1,0,0,0,'','','','');
/*!40000 ALTER TABLE `civicrm_email` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `civicrm_group`
--

DROP TABLE IF EXISTS `civicrm_group`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `civicrm_group` (
  `id` int(11) DEFAULT NULL,
  `name` varchar(255) DEFAULT NULL,
  `title` varchar(255) DEFAULT NULL,
  `description` varchar(255) DEFAULT NULL,
  `is_active` int(11) DEFAULT NULL,
  `visibility` varchar(255) DEFAULT NULL,
  `group_type` varchar(255) DEFAULT NULL,
  `is_hidden` int(11) DEFAULT NULL,
  `is_reserved` int(11) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `civicrm_group`
--

LOCK TABLES `civicrm_group` WRITE;
/*!40000 ALTER TABLE `civicrm_group` DISABLE KEYS */;
INSERT INTO `civicrm_group` (`id`, `name`, `title`, `description`, `is_active`, `visibility`, `group_type`, `is_hidden`, `is_reserved`) VALUES (1,'Administrators','Administrators','',1,'User and User Admin Only','12',0,0),
(2,'Newsletter_Subscribers','Newsletter Subscribers','',1,'User and User Admin Only','1',0,0),
(3,'Community_Garden_Volunteers','Community Garden Volunteers','',1,'User and User Admin Only','1',0,0),
(4,'Saturday_Morning_Volunteers_at_the_Riverside_Caf','Saturday Morning Volunteers at the Riverside Café','',1,'User and User Admin Only','1',0,0),
(5,'Board_of_Directors','Board of Directors','',1,'User and User Admin Only','1',0,0),
(6,'Friends_Family_Neighbours','Friends, Family & Neighbours','',1,'User and User Admin Only','1',0,0),
(7,'Riverside_Tenants_and_Residents_Association_Commi','Riverside Tenants and Residents Association Commi','',1,'User and User Admin Only','1',0,0);
/*!40000 ALTER TABLE `civicrm_group` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `civicrm_group_contact`
--

DROP TABLE IF EXISTS `civicrm_group_contact`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `civicrm_group_contact` (
  `id` int(11) DEFAULT NULL,
  `group_id` int(11) DEFAULT NULL,
  `contact_id` int(11) DEFAULT NULL,
  `status` varchar(255) DEFAULT NULL,
  `location_id` varchar(255) DEFAULT NULL,
  `email_id` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `civicrm_group_contact`
--

LOCK TABLES `civicrm_group_contact` WRITE;
/*!40000 ALTER TABLE `civicrm_group_contact` DISABLE KEYS */;
INSERT INTO `civicrm_group_contact` (`id`, `group_id`, `contact_id`, `status`, `location_id`, `email_id`) VALUES (1,1,2,'Added','',''),
(2,2,2,'Added','',''),
(3,3,3,'Added','',''),
(4,2,3,'Added','',''),
(5,4,3,'Added','',''),
(6,3,4,'Added','',''),
(7,5,5,'Added','',''),
(8,3,6,'Added','',''),
(9,2,6,'Removed','',''),
(10,3,7,'Added','',''),
(11,6,7,'Added','',''),
(12,7,9,'Added','',''),
(13,2,10,'Added','',''),
(14,3,11,'Added','',''),
(15,3,12,'Added','',''),
(16,4,12,'Added','',''),
(17,3,13,'Added','',''),
(18,6,13,'Added','',''),
(19,3,14,'Pending','',''),
(20,4,14,'Added','',''),
(21,3,15,'Added','',''),
(22,6,16,'Added','',''),
(23,4,16,'Added','',''),
(24,7,17,'Added','',''),
(25,3,18,'Added','',''),
(26,7,19,'Added','','');
/*!40000 ALTER TABLE `civicrm_group_contact` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `civicrm_uf_match`
--

DROP TABLE IF EXISTS `civicrm_uf_match`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `civicrm_uf_match` (
  `id` int(11) DEFAULT NULL,
  `domain_id` int(11) DEFAULT NULL,
  `uf_id` int(11) DEFAULT NULL,
  `uf_name` varchar(255) DEFAULT NULL,
  `contact_id` int(11) DEFAULT NULL,
  `language` varchar(255) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `civicrm_uf_match`
--

LOCK TABLES `civicrm_uf_match` WRITE;
/*!40000 ALTER TABLE `civicrm_uf_match` DISABLE KEYS */;
INSERT INTO `civicrm_uf_match` (`id`, `domain_id`, `uf_id`, `uf_name`, `contact_id`, `language`) VALUES (1,1,1,'webmaster@example.org',2,'en_GB'),
(2,1,11,'robert.brown@example.net',9,'en_GB');
/*!40000 ALTER TABLE `civicrm_uf_match` ENABLE KEYS */;
UNLOCK TABLES;

CREATE TABLE `civicrm_dedupe_rule_group` (
  `id` varchar(255) DEFAULT NULL,
  `contact_type` varchar(255) DEFAULT NULL,
  `threshold` varchar(255) DEFAULT NULL,
  `used` varchar(255) DEFAULT NULL,
  `name` varchar(255) DEFAULT NULL,
  `title` varchar(255) DEFAULT NULL,
  `is_reserved` varchar(255) DEFAULT NULL
);
INSERT INTO `civicrm_dedupe_rule_group` VALUES (1,'Individual',20,'Supervised','IndividualSupervised','Name and Email (reserved)',1),(2,'Individual',10,'General','IndividualGeneral','Name and Address (reserved)',1),(3,'Individual',15,'Unsupervised','IndividualUnsupervised','Email or name and postcode',0),(4,'Organization',10,'Unsupervised','OrganizationUnsupervised','Organization name or email',1),(5,'Individual',15,'General','NameAndPhone','Name and Phone',0);

CREATE TABLE `civicrm_dedupe_rule` (
  `id` varchar(255) DEFAULT NULL,
  `dedupe_rule_group_id` varchar(255) DEFAULT NULL,
  `rule_table` varchar(255) DEFAULT NULL,
  `rule_field` varchar(255) DEFAULT NULL,
  `rule_length` varchar(255) DEFAULT NULL,
  `rule_weight` varchar(255) DEFAULT NULL
);
INSERT INTO `civicrm_dedupe_rule` VALUES (1,1,'civicrm_contact','first_name',NULL,5),(2,1,'civicrm_contact','last_name',NULL,7),(3,1,'civicrm_email','email',NULL,10),(4,2,'civicrm_contact','first_name',NULL,5),(5,2,'civicrm_contact','last_name',NULL,5),(6,2,'civicrm_address','street_address',NULL,5),(7,3,'civicrm_email','email',NULL,15),(8,3,'civicrm_contact','first_name',3,5),(9,3,'civicrm_contact','last_name',NULL,5),(10,3,'civicrm_address','postal_code',NULL,5),(11,4,'civicrm_contact','organization_name',NULL,10),(12,4,'civicrm_email','email',NULL,10),(13,5,'civicrm_contact','first_name',NULL,5),(14,5,'civicrm_contact','last_name',NULL,5),(15,5,'civicrm_phone','phone_numeric',NULL,10);

CREATE TABLE `civicrm_phone` (
  `id` int(11) DEFAULT NULL,
  `contact_id` int(11) DEFAULT NULL,
  `phone` varchar(255) DEFAULT NULL,
  `phone_numeric` varchar(255) DEFAULT NULL,
  `is_primary` int(11) DEFAULT NULL
);
INSERT INTO `civicrm_phone` VALUES (1,3,'020 7946 0300','02079460300',1),(2,NULL,'0800 000 000','0800000000',0),(3,4,'+49 30 1234567','49301234567',1);

CREATE TABLE `civicrm_address` (
  `id` int(11) DEFAULT NULL,
  `contact_id` int(11) DEFAULT NULL,
  `street_address` varchar(255) DEFAULT NULL,
  `city` varchar(255) DEFAULT NULL,
  `postal_code` varchar(255) DEFAULT NULL,
  `is_primary` int(11) DEFAULT NULL
);
INSERT INTO `civicrm_address` VALUES (1,3,'1 High Street','London','SW1A 1AA',1),(2,NULL,'Town Hall','Leeds','LS1 1UR',0);
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-12-05 23:27:06
