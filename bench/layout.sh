# Sourced by the bench scripts: builds the installed layout if needed and names its parts.
#   HOME_DIR   target/mailassure-VERSION, the layout `mvn package` builds (as installed by the .deb)
#   LAUNCHER   its bin/mailassure, the command users run
#   SQLITE_OPTS the JVM options that give the harness the layout's SQLite library
#   HARNESS_CP the class path of the benchmark harness: the layout's jars and the test jar
#              (loopback relay, DNS and Graph servers)
HOME_DIR=$(ls -d target/mailassure-*/ 2>/dev/null | head -n 1)
if [ -z "$HOME_DIR" ] || [ ! -f target/mailassure-tests.jar ]; then
  mvn -B -ntp -q -DskipTests package
  HOME_DIR=$(ls -d target/mailassure-*/ | head -n 1)
fi
HOME_DIR=${HOME_DIR%/}
LAUNCHER=$HOME_DIR/bin/mailassure
# The harness loads the layout's SQLite driver, which has no library of its own: point it at the
# layout's, as bin/mailassure does.
SQLITE_OPTS="-Dorg.sqlite.lib.path=$HOME_DIR/lib/native/Linux/$(uname -m) -Dorg.sqlite.lib.name=libsqlitejdbc.so"
HARNESS_CP=$(ls "$HOME_DIR"/lib/*.jar "$HOME_DIR"/lib/graph/*.jar "$HOME_DIR"/lib/demo/*.jar | tr '\n' ':')target/mailassure-tests.jar
# The machine, for the table's heading.
machine() {
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1)"
}
