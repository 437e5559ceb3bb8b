-- An Optuna database written by Optuna 3.1.1 (schema revision v3.0.0.d)
-- with tests/storages/data/write_optuna_db.py; load it with sqlite3 executescript.
BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('v3.0.0.d');
CREATE TABLE studies (
	study_id INTEGER NOT NULL, 
	study_name VARCHAR(512) NOT NULL, 
	PRIMARY KEY (study_id)
);
INSERT INTO "studies" VALUES(1,'single');
INSERT INTO "studies" VALUES(2,'multi');
INSERT INTO "studies" VALUES(3,'empty');
CREATE TABLE study_directions (
	study_direction_id INTEGER NOT NULL, 
	direction VARCHAR(8) NOT NULL, 
	study_id INTEGER NOT NULL, 
	objective INTEGER NOT NULL, 
	PRIMARY KEY (study_direction_id), 
	UNIQUE (study_id, objective), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO "study_directions" VALUES(1,'MINIMIZE',1,0);
INSERT INTO "study_directions" VALUES(2,'MINIMIZE',2,0);
INSERT INTO "study_directions" VALUES(3,'MAXIMIZE',2,1);
INSERT INTO "study_directions" VALUES(4,'MAXIMIZE',3,0);
CREATE TABLE study_system_attributes (
	study_system_attribute_id INTEGER NOT NULL, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_system_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO "study_system_attributes" VALUES(1,1,'origin','"tests"');
CREATE TABLE study_user_attributes (
	study_user_attribute_id INTEGER NOT NULL, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_user_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO "study_user_attributes" VALUES(1,1,'team','{"name": "a", "members": [1, 2]}');
INSERT INTO "study_user_attributes" VALUES(2,2,'metric_meaning','["loss", "accuracy"]');
CREATE TABLE trial_heartbeats (
	trial_heartbeat_id INTEGER NOT NULL, 
	trial_id INTEGER NOT NULL, 
	heartbeat DATETIME NOT NULL, 
	PRIMARY KEY (trial_heartbeat_id), 
	UNIQUE (trial_id), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_intermediate_values (
	trial_intermediate_value_id INTEGER NOT NULL, 
	trial_id INTEGER NOT NULL, 
	step INTEGER NOT NULL, 
	intermediate_value FLOAT, 
	intermediate_value_type VARCHAR(7) NOT NULL, 
	PRIMARY KEY (trial_intermediate_value_id), 
	UNIQUE (trial_id, step), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO "trial_intermediate_values" VALUES(1,1,0,1.0,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(2,1,1,NULL,'INF_POS');
INSERT INTO "trial_intermediate_values" VALUES(3,1,2,NULL,'NAN');
INSERT INTO "trial_intermediate_values" VALUES(4,1,3,NULL,'INF_NEG');
INSERT INTO "trial_intermediate_values" VALUES(5,1,4,0.25,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(6,2,0,0.5,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(7,2,10,0.4,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(8,5,0,-1.0,'FINITE');
INSERT INTO "trial_intermediate_values" VALUES(9,5,3,-1.5,'FINITE');
CREATE TABLE trial_params (
	param_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	param_name VARCHAR(512), 
	param_value FLOAT, 
	distribution_json TEXT, 
	PRIMARY KEY (param_id), 
	UNIQUE (trial_id, param_name), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO "trial_params" VALUES(1,1,'lr',0.1,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}');
INSERT INTO "trial_params" VALUES(2,1,'dropout',0.0,'{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 0.5, "log": false}}');
INSERT INTO "trial_params" VALUES(3,1,'width',-0.75,'{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(4,1,'units',16.0,'{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 256}}');
INSERT INTO "trial_params" VALUES(5,1,'layers',1.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 1, "high": 9}}');
INSERT INTO "trial_params" VALUES(6,1,'act',0.0,'{"name": "CategoricalDistribution", "attributes": {"choices": [null, 2, 2.5, "relu", true]}}');
INSERT INTO "trial_params" VALUES(7,2,'lr',0.01,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}');
INSERT INTO "trial_params" VALUES(8,2,'dropout',0.1,'{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 0.5, "log": false}}');
INSERT INTO "trial_params" VALUES(9,2,'width',-0.5,'{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(10,2,'units',32.0,'{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 256}}');
INSERT INTO "trial_params" VALUES(11,2,'layers',3.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 1, "high": 9}}');
INSERT INTO "trial_params" VALUES(12,2,'act',1.0,'{"name": "CategoricalDistribution", "attributes": {"choices": [null, 2, 2.5, "relu", true]}}');
INSERT INTO "trial_params" VALUES(13,3,'lr',0.001,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}');
INSERT INTO "trial_params" VALUES(14,3,'dropout',0.2,'{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 0.5, "log": false}}');
INSERT INTO "trial_params" VALUES(15,3,'width',-0.25,'{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(16,3,'units',48.0,'{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 256}}');
INSERT INTO "trial_params" VALUES(17,3,'layers',5.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 1, "high": 9}}');
INSERT INTO "trial_params" VALUES(18,3,'act',2.0,'{"name": "CategoricalDistribution", "attributes": {"choices": [null, 2, 2.5, "relu", true]}}');
INSERT INTO "trial_params" VALUES(19,4,'lr',0.0001,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}');
INSERT INTO "trial_params" VALUES(20,4,'dropout',0.3,'{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 0.5, "log": false}}');
INSERT INTO "trial_params" VALUES(21,4,'width',0.0,'{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(22,4,'units',64.0,'{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 256}}');
INSERT INTO "trial_params" VALUES(23,4,'layers',7.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 1, "high": 9}}');
INSERT INTO "trial_params" VALUES(24,4,'act',3.0,'{"name": "CategoricalDistribution", "attributes": {"choices": [null, 2, 2.5, "relu", true]}}');
INSERT INTO "trial_params" VALUES(25,5,'lr',0.1,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}');
INSERT INTO "trial_params" VALUES(26,5,'dropout',0.4,'{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 0.5, "log": false}}');
INSERT INTO "trial_params" VALUES(27,5,'width',0.25,'{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(28,5,'units',80.0,'{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 256}}');
INSERT INTO "trial_params" VALUES(29,5,'layers',9.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 1, "high": 9}}');
INSERT INTO "trial_params" VALUES(30,5,'act',4.0,'{"name": "CategoricalDistribution", "attributes": {"choices": [null, 2, 2.5, "relu", true]}}');
INSERT INTO "trial_params" VALUES(31,6,'lr',0.01,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}');
INSERT INTO "trial_params" VALUES(32,6,'dropout',0.5,'{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 0.5, "log": false}}');
INSERT INTO "trial_params" VALUES(33,6,'width',0.5,'{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(34,6,'units',96.0,'{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 256}}');
INSERT INTO "trial_params" VALUES(35,6,'layers',1.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 1, "high": 9}}');
INSERT INTO "trial_params" VALUES(36,6,'act',0.0,'{"name": "CategoricalDistribution", "attributes": {"choices": [null, 2, 2.5, "relu", true]}}');
INSERT INTO "trial_params" VALUES(37,8,'x',0.0,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(38,8,'n',0.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 5}}');
INSERT INTO "trial_params" VALUES(39,9,'x',0.1,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(40,9,'n',1.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 5}}');
INSERT INTO "trial_params" VALUES(41,10,'x',0.2,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}');
INSERT INTO "trial_params" VALUES(42,10,'n',2.0,'{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 5}}');
INSERT INTO "trial_params" VALUES(43,11,'x',9.98491926785652461617e-01,'{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}');
CREATE TABLE trial_system_attributes (
	trial_system_attribute_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_system_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO "trial_system_attributes" VALUES(1,1,'fixed_params','{"lr": 0.1, "dropout": 0.0, "width": -0.75, "units": 16, "layers": 1, "act": null}');
INSERT INTO "trial_system_attributes" VALUES(2,1,'worker','{"host": "a", "pid": 7}');
INSERT INTO "trial_system_attributes" VALUES(3,2,'fixed_params','{"lr": 0.01, "dropout": 0.1, "width": -0.5, "units": 32, "layers": 3, "act": 2}');
INSERT INTO "trial_system_attributes" VALUES(4,3,'fixed_params','{"lr": 0.001, "dropout": 0.2, "width": -0.25, "units": 48, "layers": 5, "act": 2.5}');
INSERT INTO "trial_system_attributes" VALUES(5,4,'fixed_params','{"lr": 0.0001, "dropout": 0.3, "width": 0.0, "units": 64, "layers": 7, "act": "relu"}');
INSERT INTO "trial_system_attributes" VALUES(6,5,'constraints','[0.5, -1.0]');
INSERT INTO "trial_system_attributes" VALUES(7,6,'fixed_params','{"lr": 0.01, "dropout": 0.5, "width": 0.5, "units": 96, "layers": 1, "act": null}');
INSERT INTO "trial_system_attributes" VALUES(8,7,'fixed_params','{"lr": 0.001, "act": "relu"}');
INSERT INTO "trial_system_attributes" VALUES(9,8,'constraints','[-1.0]');
INSERT INTO "trial_system_attributes" VALUES(10,9,'constraints','[0.0]');
INSERT INTO "trial_system_attributes" VALUES(11,10,'constraints','[1.0]');
INSERT INTO "trial_system_attributes" VALUES(12,11,'nsga2:generation','0');
INSERT INTO "trial_system_attributes" VALUES(13,12,'nsga2:generation','0');
CREATE TABLE trial_user_attributes (
	trial_user_attribute_id INTEGER NOT NULL, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_user_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO "trial_user_attributes" VALUES(1,1,'note','"first"');
INSERT INTO "trial_user_attributes" VALUES(2,5,'source','"manual"');
CREATE TABLE trial_values (
	trial_value_id INTEGER NOT NULL, 
	trial_id INTEGER NOT NULL, 
	objective INTEGER NOT NULL, 
	value FLOAT, 
	value_type VARCHAR(7) NOT NULL, 
	PRIMARY KEY (trial_value_id), 
	UNIQUE (trial_id, objective), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO "trial_values" VALUES(1,1,0,0.25,'FINITE');
INSERT INTO "trial_values" VALUES(2,2,0,0.4,'FINITE');
INSERT INTO "trial_values" VALUES(3,4,0,NULL,'INF_POS');
INSERT INTO "trial_values" VALUES(4,5,0,-1.5,'FINITE');
INSERT INTO "trial_values" VALUES(5,8,0,1.0,'FINITE');
INSERT INTO "trial_values" VALUES(6,8,1,NULL,'INF_NEG');
INSERT INTO "trial_values" VALUES(7,9,0,0.5,'FINITE');
INSERT INTO "trial_values" VALUES(8,9,1,3.0,'FINITE');
INSERT INTO "trial_values" VALUES(9,10,0,NULL,'INF_POS');
INSERT INTO "trial_values" VALUES(10,10,1,0.0,'FINITE');
CREATE TABLE trials (
	trial_id INTEGER NOT NULL, 
	number INTEGER, 
	study_id INTEGER, 
	state VARCHAR(8) NOT NULL, 
	datetime_start DATETIME, 
	datetime_complete DATETIME, 
	PRIMARY KEY (trial_id), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
INSERT INTO "trials" VALUES(1,0,1,'COMPLETE','2026-12-01 23:16:01.043931','2026-12-01 23:16:01.765678');
INSERT INTO "trials" VALUES(2,1,1,'PRUNED','2026-12-01 23:16:01.909065','2026-12-01 23:16:02.673348');
INSERT INTO "trials" VALUES(3,2,1,'FAIL','2026-12-01 23:16:02.801270','2026-12-01 23:16:03.452361');
INSERT INTO "trials" VALUES(4,3,1,'COMPLETE','2026-12-01 23:16:03.567829','2026-12-01 23:16:04.064421');
INSERT INTO "trials" VALUES(5,4,1,'COMPLETE','2026-12-01 23:16:04.204420','2026-12-01 23:16:04.204420');
INSERT INTO "trials" VALUES(6,5,1,'RUNNING','2026-12-01 23:16:04.365243',NULL);
INSERT INTO "trials" VALUES(7,6,1,'WAITING',NULL,NULL);
INSERT INTO "trials" VALUES(8,0,2,'COMPLETE','2026-12-01 23:16:04.666752','2026-12-01 23:16:04.666752');
INSERT INTO "trials" VALUES(9,1,2,'COMPLETE','2026-12-01 23:16:04.729223','2026-12-01 23:16:04.729223');
INSERT INTO "trials" VALUES(10,2,2,'COMPLETE','2026-12-01 23:16:04.786881','2026-12-01 23:16:04.786881');
INSERT INTO "trials" VALUES(11,3,2,'PRUNED','2026-12-01 23:16:04.861299','2026-12-01 23:16:04.959929');
INSERT INTO "trials" VALUES(12,4,2,'FAIL','2026-12-01 23:16:05.009556','2026-12-01 23:16:05.098813');
CREATE TABLE version_info (
	version_info_id INTEGER NOT NULL, 
	schema_version INTEGER, 
	library_version VARCHAR(256), 
	PRIMARY KEY (version_info_id), 
	CHECK (version_info_id=1)
);
INSERT INTO "version_info" VALUES(1,12,'3.1.1');
CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
COMMIT;
