-- Up Migration
-- Each page a pull has saved, with what it changed. A retried page activity finds its row and adds nothing
-- twice, so the job's counts stay exact (they are the sum of what the database actually inserted/updated).
CREATE TABLE permit_pull_pages (
  job_id              BIGINT NOT NULL REFERENCES permit_pull_jobs (id) ON DELETE CASCADE,
  page_key            TEXT NOT NULL,
  permits_pulled      INT NOT NULL,
  permits_saved       INT NOT NULL,
  properties_created  INT NOT NULL,
  properties_updated  INT NOT NULL,
  leads_created       INT NOT NULL,
  rejected            INT NOT NULL,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, page_key)
);

-- Down Migration
DROP TABLE permit_pull_pages;
