-- The sign-in throttle's table also counts the other requests a stranger
-- can make without signing in: asking for a password reset link (each
-- sends a mail) and signing up (each hashes a password and may make an
-- account). `action` says which; earlier rows were all sign-ins.
ALTER TABLE login_attempts ADD COLUMN action TEXT NOT NULL DEFAULT 'sign_in'
    CHECK (action IN ('sign_in', 'password_reset', 'sign_up'));
CREATE INDEX login_attempts_by_action_email ON login_attempts (action, email, attempted_at);
CREATE INDEX login_attempts_by_action_ip ON login_attempts (action, ip, attempted_at);
DROP INDEX login_attempts_by_email;
DROP INDEX login_attempts_by_ip;
