@echo off
rem Starts the nodrop transformer from this installation:
rem   bin\nodrop-transformer.cmd --config config\transformer.properties
rem JAVA_HOME chooses the Java runtime (17 or newer; else the java on the PATH), JAVA_OPTS adds JVM options
rem (set JAVA_OPTS=-Xmx1g). Every argument goes to the transformer; --help lists them.
setlocal

set "BASE=%~dp0.."

if defined JAVA_HOME goto javaFromHome
set "JAVA=java.exe"
where java.exe >nul 2>nul
if errorlevel 1 (
  echo nodrop-transformer: no java on the PATH; install Java 17 or newer, or set JAVA_HOME 1>&2
  exit /b 2
)
goto run

:javaFromHome
set "JAVA=%JAVA_HOME%\bin\java.exe"
if not exist "%JAVA%" (
  echo nodrop-transformer: JAVA_HOME is "%JAVA_HOME%", but "%JAVA%" does not exist 1>&2
  exit /b 2
)

:run
rem config\ comes first so that config\simplelogger.properties sets the log levels
"%JAVA%" %JAVA_OPTS% -cp "%BASE%\config;%BASE%\lib\*" io.github.nodrop.transformer.Cli %*
exit /b %ERRORLEVEL%
